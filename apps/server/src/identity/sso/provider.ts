// The tenant's OpenID provider as openid-client (a maintained, certified relying-party library)
// sees it. Its discovery document is kept for ten minutes; each sign-in gets a configuration of
// its own over it, so the provider's signing keys (JWKS) are read afresh for every sign-in: the
// library would otherwise keep a key set for up to five minutes and refuse, for its first minute,
// a token signed with a key it has not seen — a provider that rotates its key at once would
// lock everyone out for that long. One small GET per sign-in is the price. The ID token's
// signature is checked against those keys (enableNonRepudiationChecks): by default the library
// trusts the token endpoint's TLS alone, and a token altered on the way — or by an impostor on a
// plain-http loopback provider — would pass. Plain http is allowed for a provider on this
// machine only (a test or a local IdP); anything else must be https.
import * as oidc from 'openid-client';
import type { AppContext } from '../../context.ts';
import { ServerError } from '../../errors.ts';
import type { SsoSettingsRecord } from '../../storage/repos/sso.ts';

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** How long a discovered provider is kept before it is discovered again. */
const DISCOVERY_TTL_MS = 10 * 60_000;

interface Cached {
  readonly config: oidc.Configuration;
  readonly at: number;
}

const cache = new WeakMap<AppContext, Map<string, Cached>>();

/** http only on loopback; the URL as given otherwise. */
export function issuerUrl(issuer: string): URL {
  const url = new URL(issuer);
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && loopbackHosts.has(url.hostname)) return url;
  throw new ServerError(
    'INVALID_INPUT',
    'The issuer must be an https URL (plain http only for a provider on this machine).',
    { fields: [{ path: '$.issuer', message: 'https required' }] },
  );
}

/**
 * A configuration for one sign-in with this tenant's client. The server's clock (ctx.now) is the
 * one ID tokens are checked against, so a server whose clock is set differently from the
 * machine's judges expiry by its own time.
 */
export async function providerConfig(
  ctx: AppContext,
  settings: SsoSettingsRecord,
): Promise<oidc.Configuration> {
  const url = issuerUrl(settings.issuer);
  const secret = ctx.externalSenderVault.openSsoSecret(
    settings.tenantId,
    settings.clientSecretSealed,
  );
  const metadata = {
    client_secret: secret,
    [oidc.clockSkew]: Math.round((ctx.now() - Date.now()) / 1000),
  };
  const execute = [oidc.enableNonRepudiationChecks];
  if (url.protocol === 'http:') execute.push(oidc.allowInsecureRequests);
  const discovered = await discoveryOf(ctx, url, settings, secret);
  const config = new oidc.Configuration(
    discovered.serverMetadata(),
    settings.clientId,
    metadata,
    oidc.ClientSecretPost(secret),
  );
  for (const apply of execute) apply(config);
  return config;
}

/** The provider's discovery document, kept per tenant and issuer for DISCOVERY_TTL_MS. */
async function discoveryOf(
  ctx: AppContext,
  url: URL,
  settings: SsoSettingsRecord,
  secret: string,
): Promise<oidc.Configuration> {
  const key = `${settings.tenantId}\n${settings.issuer}`;
  let byKey = cache.get(ctx);
  if (byKey === undefined) cache.set(ctx, (byKey = new Map<string, Cached>()));
  const hit = byKey.get(key);
  if (hit !== undefined && Date.now() - hit.at < DISCOVERY_TTL_MS) return hit.config;
  const config = await oidc.discovery(
    url,
    settings.clientId,
    secret,
    oidc.ClientSecretPost(secret),
    url.protocol === 'http:'
      ? { execute: [oidc.allowInsecureRequests], timeout: 10 }
      : { timeout: 10 },
  );
  byKey.set(key, { config, at: Date.now() });
  return config;
}

/** Checks that the provider answers discovery (when an admin saves the settings). */
export async function discoverOnce(issuer: string): Promise<void> {
  const url = issuerUrl(issuer);
  try {
    await oidc.discovery(
      url,
      'conclave-discovery-check',
      undefined,
      oidc.None(),
      url.protocol === 'http:'
        ? { execute: [oidc.allowInsecureRequests], timeout: 10 }
        : { timeout: 10 },
    );
  } catch (error) {
    throw new ServerError(
      'INVALID_INPUT',
      `The provider's discovery document could not be read from ${url.origin}: ${failureText(error)}.`,
      { fields: [{ path: '$.issuer', message: 'discovery failed' }] },
    );
  }
}

/** A failure's own words, without a stack: the library's code and message. */
export function failureText(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown failure';
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
}
