// One single sign-on, from the redirect to the provider to the validated ID token: authorization
// code with PKCE (S256), `state` against a forged or replayed answer, `nonce` bound into the ID
// token. What the callback needs to check is sealed (AES-GCM under the server's secret key) into
// a short-lived cookie, so any node of a cluster can finish a sign-in another began, and nothing
// about a sign-in in progress is stored.
import * as oidc from 'openid-client';
import type { AppContext } from '../../context.ts';
import type { SsoSettingsRecord } from '../../storage/repos/sso.ts';
import { SsoFailure } from './failure.ts';
import { providerConfig } from './provider.ts';
import type { IdTokenClaims } from './accounts.ts';

/** The library's error code (e.g. OAUTH_JWT_CLAIM_COMPARISON_FAILED), never its message. */
function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'none';
}

/** How long someone may take at the provider's sign-in page. */
export const FLOW_TTL_MS = 10 * 60_000;

interface Flow {
  readonly tenantId: string;
  readonly state: string;
  readonly nonce: string;
  readonly verifier: string;
  /** Where to go after signing in: a path of this site. */
  readonly next: string;
  /** A CLI waiting on a loopback port (cli-handoff.ts), instead of a browser session. */
  readonly cli?: CliWaiting;
  readonly expiresAt: number;
}

export interface CliWaiting {
  readonly port: number;
  /** base64url(SHA-256(the CLI's verifier)): only the CLI that began it can redeem the code. */
  readonly challenge: string;
}

export interface Started {
  readonly authorizationUrl: string;
  /** The sealed flow, for the `conclave_sso` cookie. */
  readonly sealedFlow: string;
}

/** Only a path of this site (not `//host`, not a URL): no open redirect through sign-in. */
export function safeNext(next: string | undefined): string {
  return next !== undefined && /^\/(?![/\\])[^\s]*$/.test(next) ? next : '/';
}

export async function startSignIn(
  ctx: AppContext,
  settings: SsoSettingsRecord,
  redirectUri: string,
  next: string | undefined,
  cli?: CliWaiting,
): Promise<Started> {
  const config = await providerConfig(ctx, settings);
  const flow: Flow = {
    ...(cli === undefined ? {} : { cli }),
    tenantId: settings.tenantId,
    state: oidc.randomState(),
    nonce: oidc.randomNonce(),
    verifier: oidc.randomPKCECodeVerifier(),
    next: safeNext(next),
    expiresAt: ctx.now() + FLOW_TTL_MS,
  };
  const scope = [
    'openid',
    'email',
    'profile',
    ...(settings.groupsClaim === null ? [] : ['groups']),
  ];
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: scope.join(' '),
    code_challenge: await oidc.calculatePKCECodeChallenge(flow.verifier),
    code_challenge_method: 'S256',
    state: flow.state,
    nonce: flow.nonce,
  });
  return {
    authorizationUrl: url.href,
    sealedFlow: ctx.externalSenderVault.sealSsoFlow(JSON.stringify(flow)),
  };
}

function openFlow(ctx: AppContext, sealed: string | undefined): Flow {
  const text = sealed === undefined ? undefined : ctx.externalSenderVault.openSsoFlow(sealed);
  if (text === undefined) throw new SsoFailure('flow_expired');
  const flow = JSON.parse(text) as Partial<Flow>;
  // A CLI's handoff code is sealed the same way (cli-handoff.ts): it is not a flow.
  if (typeof flow.state !== 'string' || typeof flow.expiresAt !== 'number')
    throw new SsoFailure('flow_expired');
  if (flow.expiresAt < ctx.now()) throw new SsoFailure('flow_expired');
  return flow as Flow;
}

export interface Finished {
  readonly settings: SsoSettingsRecord;
  readonly claims: IdTokenClaims;
  readonly next: string;
  readonly cli: CliWaiting | undefined;
}

/**
 * The provider sent the browser back to `callbackUrl`: the code is exchanged (with the PKCE
 * verifier), and the ID token validated — signature by the provider's keys, issuer, audience,
 * expiry, nonce — by the library.
 */
export async function finishSignIn(
  ctx: AppContext,
  sealed: string | undefined,
  callbackUrl: URL,
): Promise<Finished> {
  const flow = openFlow(ctx, sealed);
  const settings = await ctx.store.sso.get(flow.tenantId);
  if (settings === undefined) throw new SsoFailure('not_configured');
  if (callbackUrl.searchParams.has('error')) throw new SsoFailure('provider_refused');
  if (callbackUrl.searchParams.get('state') !== flow.state)
    throw new SsoFailure('provider_refused');
  const config = await providerConfig(ctx, settings);
  let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
  try {
    tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: flow.verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
  } catch (error) {
    ctx.log.info('single sign-on refused', {
      tenant: settings.tenantId,
      code: codeOf(error),
    });
    throw new SsoFailure(
      error instanceof oidc.ResponseBodyError ? 'provider_refused' : 'id_token_invalid',
    );
  }
  const claims = tokens.claims();
  if (claims === undefined) throw new SsoFailure('id_token_invalid');
  return { settings, claims, next: flow.next, cli: flow.cli };
}
