// A real OpenID Connect provider for the server's SSO tests: `oidc-provider` (the certified
// implementation many IdPs build on) listening on 127.0.0.1 inside the test process. Tests sign in
// through its own login and consent pages, rotate its signing key, and hand out a tampered ID token,
// so our relying-party code is proven against a genuine provider rather than a hand-made mock.
import { generateKeyPair, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import type Provider from 'oidc-provider';
import type {
  Account,
  ClientMetadata,
  Configuration,
  Grant,
  JWK,
  KoaContextWithOIDC,
} from 'oidc-provider';

export interface IdpAccount {
  email: string;
  name: string;
  groups?: string[];
  emailVerified?: boolean;
}

export interface IdpClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

export interface TestIdp {
  /** The issuer URL, e.g. http://127.0.0.1:PORT (no trailing slash). Discovery at `${issuer}/.well-known/openid-configuration`. */
  readonly issuer: string;
  /** Adds or replaces an account by subject (sub). */
  setAccount(sub: string, account: IdpAccount): void;
  /**
   * Drives the provider's own login + consent interaction headlessly with fetch and a cookie jar,
   * as a browser would: GETs `authorizationUrl` (an authorization request our server built, with
   * PKCE, state and nonce), signs in as `sub`, grants consent, and returns the final redirect
   * Location to the client's redirect_uri (NOT followed), e.g. `https://app/api/auth/sso/callback?code=…&state=…&iss=…`.
   * Throws a clear Error if the flow ends anywhere else (show the status and body).
   */
  signIn(authorizationUrl: string, sub: string): Promise<string>;
  /** Replaces the signing key with a brand-new one (new `kid`); the old key is no longer in the JWKS. */
  rotateKeys(): Promise<void>;
  /** The `kid` of the key that signs ID tokens now. */
  readonly currentKid: string;
  /**
   * The next ID token the token endpoint returns has its payload changed by `change` WITHOUT
   * re-signing (the JWS payload segment is replaced, header and signature kept), so its signature
   * no longer verifies — a tampered token. One-shot.
   */
  tamperNextIdToken(change: (payload: Record<string, unknown>) => Record<string, unknown>): void;
  close(): Promise<void>;
}

export interface TestIdpOptions {
  clients: IdpClient[];
  accounts?: Record<string, IdpAccount>;
  idTokenTtlSeconds?: number;
}

type PayloadChange = (payload: Record<string, unknown>) => Record<string, unknown>;
type SigningKey = JWK & { kid: string };
type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

/** What every Provider instance of one IdP shares, so a key rotation keeps clients and accounts. */
interface IdpState {
  readonly issuer: string;
  readonly clients: readonly IdpClient[];
  readonly accounts: Map<string, IdpAccount>;
  readonly idTokenTtlSeconds: number;
  /** Cookie signing keys stay the same across rotations; only the token signing key changes. */
  readonly cookieKeys: string[];
  pendingTamper: PayloadChange | undefined;
  lastServerError: string | undefined;
}

const TOKEN_PATH = '/token';
/** A good flow takes about six requests (authorize, login, resume, …); far more means a loop. */
const MAX_INTERACTION_STEPS = 12;

export async function startTestIdp(options: TestIdpOptions): Promise<TestIdp> {
  let dispatch: RequestHandler = refuseUntilReady;
  const server = createServer((req, res) => {
    // Koa's handler settles every request itself (errors become responses): nothing to await.
    void dispatch(req, res);
  });
  const port = await listenOnLoopback(server);
  const state: IdpState = {
    issuer: `http://127.0.0.1:${port}`,
    clients: options.clients.map((client) => ({
      ...client,
      redirectUris: [...client.redirectUris],
    })),
    accounts: new Map(Object.entries(options.accounts ?? {})),
    idTokenTtlSeconds: options.idTokenTtlSeconds ?? 3600,
    cookieKeys: [randomBytes(32).toString('base64url')],
    pendingTamper: undefined,
    lastServerError: undefined,
  };

  let signingKey = await newSigningKey();
  try {
    dispatch = (await buildProvider(state, signingKey)).callback();
  } catch (error) {
    await closeServer(server);
    throw error;
  }

  let closed: Promise<void> | undefined;
  return {
    issuer: state.issuer,
    get currentKid() {
      return signingKey.kid;
    },
    setAccount(sub, account) {
      state.accounts.set(sub, account);
    },
    signIn: (authorizationUrl, sub) => driveInteraction(state, authorizationUrl, sub),
    async rotateKeys() {
      // Keys are fixed when a Provider is constructed, so a rotation is a new Provider behind the
      // same listener: same issuer and port, same clients and accounts, only the new key published.
      const nextKey = await newSigningKey();
      dispatch = (await buildProvider(state, nextKey)).callback();
      signingKey = nextKey;
    },
    tamperNextIdToken(change) {
      state.pendingTamper = change;
    },
    close() {
      closed ??= closeServer(server);
      return closed;
    },
  };
}

function refuseUntilReady(_req: IncomingMessage, res: ServerResponse): void {
  res.statusCode = 503;
  res.end('test IdP is starting');
}

function listenOnLoopback(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // Keep-alive sockets from fetch would otherwise hold close() open until they time out.
    server.closeAllConnections();
  });
}

const generateKeyPairAsync = promisify(generateKeyPair);

/** A fresh RS256 key: RS256 is what clients expect by default (`id_token_signed_response_alg`). */
async function newSigningKey(): Promise<SigningKey> {
  const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  return { ...jwk, kid: randomBytes(12).toString('base64url'), alg: 'RS256', use: 'sig' };
}

async function buildProvider(state: IdpState, signingKey: SigningKey): Promise<Provider> {
  const { default: ProviderClass } = await withDevNoticesMuted(() => import('oidc-provider'));
  const provider = await withDevNoticesMuted(
    () => new ProviderClass(state.issuer, providerConfiguration(state, signingKey)),
  );
  provider.use(tamperIdTokenMiddleware(state));
  // The provider answers a crash with a bare "server_error"; keep the cause for signIn's message.
  provider.on('server_error', (_ctx, error) => {
    state.lastServerError = error.message;
  });
  return provider;
}

function providerConfiguration(state: IdpState, signingKey: SigningKey): Configuration {
  return {
    clients: state.clients.map(toClientMetadata),
    jwks: { keys: [signingKey] },
    findAccount: (_ctx, sub) => findAccount(state.accounts, sub),
    // Claims grouped by the scope that releases them; `groups` is our own scope and claim.
    claims: {
      email: ['email', 'email_verified'],
      profile: ['name'],
      groups: ['groups'],
    },
    // By default (OIDC Core 5.4) scope-requested claims go only to userinfo when an access token
    // is issued; our server reads them from the ID token, as most enterprise IdPs allow.
    conformIdTokenClaims: false,
    // PKCE (S256, the only method v9 supports) for every client, not just public ones.
    pkce: { required: () => true },
    // Confidential clients only; oidc-provider accepts basic and post interchangeably for a
    // client registered with either.
    clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
    // The built-in login and consent pages (on by default; stated because signIn drives them).
    features: { devInteractions: { enabled: true } },
    loadExistingGrant: grantRequestedScopes,
    // Random per IdP; no `secure` flag is set because the requests arrive over plain http.
    cookies: { keys: state.cookieKeys },
    // Explicit lifetimes, which also keep the provider's "you SHOULD change it" notices quiet.
    ttl: {
      IdToken: state.idTokenTtlSeconds,
      AccessToken: 600,
      Grant: 3600,
      Interaction: 600,
      Session: 3600,
    },
    // No browser calls the IdP cross-origin in our tests; allowing all keeps the notice quiet.
    clientBasedCORS: () => true,
    // Errors that cannot be redirected to the client come back as plain JSON instead of a styled
    // page (whose default also logs a notice), so signIn's message can show them.
    renderError: (ctx, out) => {
      ctx.type = 'json';
      ctx.body = out;
    },
  };
}

/**
 * Web clients (the default `application_type`) may register `http:` redirect URIs in v9 — only
 * the implicit flow is held to https — so `http://127.0.0.1:…` and `https://…` both validate.
 * (`native` would instead reject https URIs on loopback hosts.)
 */
function toClientMetadata(client: IdpClient): ClientMetadata {
  return {
    client_id: client.clientId,
    client_secret: client.clientSecret,
    redirect_uris: client.redirectUris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  };
}

/**
 * An unknown sub yields no account. The dev login page accepts any login, and the provider then
 * fails the request (a session whose account cannot be found), so signIn throws.
 */
function findAccount(accounts: Map<string, IdpAccount>, sub: string): Account | undefined {
  const account = accounts.get(sub);
  if (account === undefined) return undefined;
  return {
    accountId: sub,
    claims: () => ({
      sub,
      email: account.email,
      email_verified: account.emailVerified ?? true,
      name: account.name,
      groups: account.groups ?? [],
    }),
  };
}

/**
 * Consent is granted automatically for these test clients: as with a first-party app in a real
 * deployment, an existing grant covering everything requested means no consent prompt. Built on
 * the default helper (consent result, then the session's grant for this client).
 */
async function grantRequestedScopes(ctx: KoaContextWithOIDC): Promise<Grant | undefined> {
  const { oidc } = ctx;
  const clientId = oidc.client?.clientId;
  const accountId = oidc.session?.accountId;
  if (clientId === undefined || accountId === undefined) return undefined;
  const existingId = oidc.result?.consent?.grantId ?? oidc.session?.grantIdFor(clientId);
  if (existingId !== undefined) return oidc.provider.Grant.find(existingId);
  const grant = new oidc.provider.Grant({ clientId, accountId });
  grant.addOIDCScope([...oidc.requestParamOIDCScopes]);
  await grant.save();
  return grant;
}

/**
 * Koa middleware in front of the provider's routes: after the token endpoint has answered, it
 * swaps the ID token's payload segment and keeps its header and signature. Koa serializes the
 * changed body, so Content-Length stays right. Token errors leave the tamper armed.
 */
function tamperIdTokenMiddleware(state: IdpState) {
  return async (
    ctx: { method: string; path: string; status: number; body: unknown },
    next: () => Promise<unknown>,
  ) => {
    await next();
    const change = state.pendingTamper;
    const body = ctx.body;
    if (change === undefined || !isTokenSuccess(ctx) || !isRecord(body)) return;
    if (typeof body.id_token !== 'string') return;
    state.pendingTamper = undefined;
    ctx.body = { ...body, id_token: replacePayload(body.id_token, change) };
  };
}

function isTokenSuccess(ctx: { method: string; path: string; status: number }): boolean {
  return ctx.method === 'POST' && ctx.path === TOKEN_PATH && ctx.status === 200;
}

function replacePayload(jws: string, change: PayloadChange): string {
  const [header, payload, signature] = jws.split('.');
  if (header === undefined || payload === undefined || signature === undefined) {
    throw new Error('test IdP: the ID token is not a compact JWS');
  }
  const decoded: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  if (!isRecord(decoded)) throw new Error('test IdP: the ID token payload is not an object');
  const changed = Buffer.from(JSON.stringify(change(decoded)), 'utf8').toString('base64url');
  return `${header}.${changed}.${signature}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * oidc-provider announces, on import and construction, that it runs on an unsupported Node (it
 * wants 22+; 20 works for these tests) and that its dev-only interactions and in-memory store are
 * on — which is exactly what a test IdP wants. Those announcements alone are dropped; anything
 * else logged meanwhile passes through.
 */
const DEV_ONLY_NOTICES = [
  'Unsupported runtime',
  'devInteractions is enabled',
  'in-memory adapter is used',
];

async function withDevNoticesMuted<T>(work: () => T | Promise<T>): Promise<T> {
  const { warn, info } = console;
  const filtered =
    (log: (...data: unknown[]) => void) =>
    (...data: unknown[]): void => {
      const first = data[0];
      const expected =
        typeof first === 'string' && DEV_ONLY_NOTICES.some((notice) => first.includes(notice));
      if (!expected) log(...data);
    };
  console.warn = filtered(warn);
  console.info = filtered(info);
  try {
    return await work();
  } finally {
    console.warn = warn;
    console.info = info;
  }
}

// ---- Driving the login and consent pages as a browser would ----

interface HtmlForm {
  action: string;
  method: string;
  fields: Map<string, string>;
}

interface PendingRequest {
  url: string;
  method: string;
  body?: URLSearchParams;
}

async function driveInteraction(
  state: IdpState,
  authorizationUrl: string,
  sub: string,
): Promise<string> {
  const jar = new CookieJar();
  const fail = (what: string, body: string): Error => flowError(state, sub, what, body);
  state.lastServerError = undefined;
  let request: PendingRequest = { url: authorizationUrl, method: 'GET' };
  let loginsSubmitted = 0;
  for (let step = 0; step < MAX_INTERACTION_STEPS; step += 1) {
    const response = await fetch(request.url, {
      method: request.method,
      redirect: 'manual',
      headers: { cookie: jar.header() },
      ...(request.body === undefined ? {} : { body: request.body }),
    });
    jar.store(response.headers);

    const location = response.headers.get('location');
    if (isRedirect(response.status) && location !== null) {
      const target = new URL(location, request.url).href;
      await response.body?.cancel();
      if (isClientRedirect(state.clients, target)) return target;
      request = { url: target, method: 'GET' };
      continue;
    }

    const html = await response.text();
    const form = response.status === 200 ? parseForm(html, request.url) : undefined;
    if (form === undefined)
      throw fail(`the provider answered ${response.status} at ${request.url}`, html);
    if (form.fields.has('login')) {
      if (loginsSubmitted > 0) {
        throw fail(`the provider showed its login page again at ${request.url}`, html);
      }
      loginsSubmitted += 1;
      form.fields.set('login', sub);
      // The dev login page ignores the password, but the field is required like a real form.
      form.fields.set('password', 'test-password');
    }
    // Any other form (the consent page, should one appear) is submitted as the page filled it.
    request = {
      url: form.action,
      method: form.method,
      body: new URLSearchParams([...form.fields]),
    };
  }
  throw new Error(`test IdP signIn: no redirect to a client after ${MAX_INTERACTION_STEPS} steps`);
}

function isRedirect(status: number): boolean {
  return status >= 300 && status < 400;
}

/** A Location at one of the registered redirect URIs (same origin and path; query may vary). */
function isClientRedirect(clients: readonly IdpClient[], target: string): boolean {
  const url = new URL(target);
  return clients.some((client) =>
    client.redirectUris.some((uri) => {
      const registered = new URL(uri);
      return registered.origin === url.origin && registered.pathname === url.pathname;
    }),
  );
}

function flowError(state: IdpState, sub: string, what: string, body: string): Error {
  const details = [`test IdP signIn as "${sub}": ${what}`];
  if (!state.accounts.has(sub)) details.push(`no account "${sub}" is configured (see setAccount)`);
  if (state.lastServerError !== undefined) details.push(`provider error: ${state.lastServerError}`);
  details.push(`body: ${body.slice(0, 2000)}`);
  return new Error(details.join('; '));
}

/** The first form on the page, with its inputs' current values (enough for the dev pages). */
function parseForm(html: string, pageUrl: string): HtmlForm | undefined {
  const match = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(html);
  if (match === null) return undefined;
  const attributes = parseAttributes(match[1] ?? '');
  const fields = new Map<string, string>();
  for (const input of (match[2] ?? '').matchAll(/<input\b([^>]*?)\/?>/gi)) {
    const inputAttributes = parseAttributes(input[1] ?? '');
    const name = inputAttributes.get('name');
    if (name !== undefined) fields.set(name, inputAttributes.get('value') ?? '');
  }
  return {
    action: new URL(attributes.get('action') ?? pageUrl, pageUrl).href,
    method: (attributes.get('method') ?? 'GET').toUpperCase(),
    fields,
  };
}

function parseAttributes(tag: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const [, name, value] of tag.matchAll(/([\w-]+)\s*=\s*"([^"]*)"/g)) {
    if (name !== undefined) attributes.set(name.toLowerCase(), decodeEntities(value ?? ''));
  }
  return attributes;
}

function decodeEntities(text: string): string {
  return text
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&#x27;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

/**
 * Just enough of a browser's cookie store: one value per name, sent back on every request. Paths
 * and expiry dates are ignored (all cookies go to the one IdP origin), except that a cookie set
 * empty or already expired is dropped, which is how the provider clears `_interaction`.
 */
class CookieJar {
  readonly #values = new Map<string, string>();

  store(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const separator = pair.indexOf('=');
      if (separator <= 0) continue;
      const name = pair.slice(0, separator).trim();
      const value = pair.slice(separator + 1).trim();
      if (value === '' || attributes.some(isPastExpiry)) this.#values.delete(name);
      else this.#values.set(name, value);
    }
  }

  header(): string {
    return [...this.#values].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

function isPastExpiry(attribute: string): boolean {
  const [key = '', value = ''] = attribute.split('=');
  const name = key.trim().toLowerCase();
  if (name === 'max-age') return Number(value) <= 0;
  if (name === 'expires') return Date.parse(value) <= Date.now();
  return false;
}
