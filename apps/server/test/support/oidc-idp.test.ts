// Proves the test OpenID Connect provider (./oidc-idp.ts) with the relying-party library the server
// uses in production, openid-client: a full code + PKCE flow through the provider's own pages,
// a tampered ID token, a signing-key rotation and an unknown account. If these pass, SSO tests
// built on the IdP exercise the real protocol, not a mock of it.
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIdp } from './oidc-idp.ts';
import type { IdpAccount, TestIdp } from './oidc-idp.ts';

const HTTPS_CLIENT = {
  clientId: 'conclave-https',
  clientSecret: 'https-client-secret',
  redirectUris: ['https://app.example/api/auth/sso/callback'],
};
const LOOPBACK_CLIENT = {
  clientId: 'conclave-loopback',
  clientSecret: 'loopback-client-secret',
  redirectUris: ['http://127.0.0.1:5999/api/auth/sso/callback'],
};
const ALICE: IdpAccount = {
  email: 'alice@corp.example',
  name: 'Alice Example',
  groups: ['eng', 'admins'],
};
const ID_TOKEN_TTL_SECONDS = 300;

interface Flow {
  url: URL;
  checks: client.AuthorizationCodeGrantChecks;
}

/** Discovery as the server does it; http is allowed only because the IdP sits on loopback. */
function discover(
  idp: TestIdp,
  rp: typeof HTTPS_CLIENT,
  options: { post?: boolean; checkSignatures?: boolean } = {},
): Promise<client.Configuration> {
  const execute = [client.allowInsecureRequests];
  if (options.checkSignatures === true) execute.push(client.enableNonRepudiationChecks);
  const auth = options.post === true ? client.ClientSecretPost(rp.clientSecret) : undefined;
  return client.discovery(new URL(idp.issuer), rp.clientId, rp.clientSecret, auth, { execute });
}

async function startFlow(config: client.Configuration, redirectUri: string): Promise<Flow> {
  const pkceCodeVerifier = client.randomPKCECodeVerifier();
  const expectedState = client.randomState();
  const expectedNonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid email profile groups',
    code_challenge: await client.calculatePKCECodeChallenge(pkceCodeVerifier),
    code_challenge_method: 'S256',
    state: expectedState,
    nonce: expectedNonce,
  });
  return { url, checks: { pkceCodeVerifier, expectedState, expectedNonce, idTokenExpected: true } };
}

/** Sign in at the IdP and redeem the code: what a browser plus our callback route will do. */
async function signInAndRedeem(
  idp: TestIdp,
  config: client.Configuration,
  redirectUri: string,
  sub: string,
) {
  const flow = await startFlow(config, redirectUri);
  const callback = await idp.signIn(flow.url.href, sub);
  expect(callback.startsWith(`${redirectUri}?`)).toBe(true);
  return client.authorizationCodeGrant(config, new URL(callback), flow.checks);
}

function idTokenHeader(idToken: string | undefined): Record<string, unknown> {
  const header = idToken?.split('.')[0] ?? '';
  return JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, unknown>;
}

async function publishedKids(idp: TestIdp): Promise<string[]> {
  const discovery = (await (
    await fetch(`${idp.issuer}/.well-known/openid-configuration`)
  ).json()) as {
    jwks_uri: string;
  };
  const jwks = (await (await fetch(discovery.jwks_uri)).json()) as { keys: { kid: string }[] };
  return jwks.keys.map((key) => key.kid);
}

describe('test OpenID Connect provider', () => {
  let idp: TestIdp;

  beforeAll(async () => {
    idp = await startTestIdp({
      clients: [HTTPS_CLIENT, LOOPBACK_CLIENT],
      accounts: { 'sub-alice': ALICE },
      idTokenTtlSeconds: ID_TOKEN_TTL_SECONDS,
    });
  });

  afterAll(async () => {
    await idp.close();
  });

  it('serves discovery on loopback with code + PKCE and both secret methods', async () => {
    expect(idp.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const config = await discover(idp, HTTPS_CLIENT);
    const metadata = config.serverMetadata();
    expect(metadata.issuer).toBe(idp.issuer);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.token_endpoint_auth_methods_supported).toEqual([
      'client_secret_basic',
      'client_secret_post',
    ]);
    expect(metadata.scopes_supported).toEqual(
      expect.arrayContaining(['openid', 'email', 'profile', 'groups']),
    );
  });

  it('signs in through the login page and puts the claims in the ID token', async () => {
    const config = await discover(idp, HTTPS_CLIENT, { checkSignatures: true });
    const tokens = await signInAndRedeem(idp, config, HTTPS_CLIENT.redirectUris[0]!, 'sub-alice');
    const claims = tokens.claims();
    expect(claims).toMatchObject({
      iss: idp.issuer,
      aud: HTTPS_CLIENT.clientId,
      sub: 'sub-alice',
      email: 'alice@corp.example',
      email_verified: true,
      name: 'Alice Example',
      groups: ['eng', 'admins'],
    });
    expect(claims!.exp - claims!.iat).toBe(ID_TOKEN_TTL_SECONDS);
    expect(idTokenHeader(tokens.id_token)).toMatchObject({ alg: 'RS256', kid: idp.currentKid });
  });

  it('accepts an http loopback redirect URI and client_secret_post', async () => {
    idp.setAccount('sub-bob', { email: 'bob@corp.example', name: 'Bob', emailVerified: false });
    const config = await discover(idp, LOOPBACK_CLIENT, { post: true, checkSignatures: true });
    const tokens = await signInAndRedeem(idp, config, LOOPBACK_CLIENT.redirectUris[0]!, 'sub-bob');
    expect(tokens.claims()).toMatchObject({ sub: 'sub-bob', email_verified: false, groups: [] });
  });

  it('rejects a tampered ID token when the signature is checked', async () => {
    const config = await discover(idp, HTTPS_CLIENT, { checkSignatures: true });
    const flow = await startFlow(config, HTTPS_CLIENT.redirectUris[0]!);
    const callback = await idp.signIn(flow.url.href, 'sub-alice');
    idp.tamperNextIdToken((payload) => ({ ...payload, email: 'mallory@evil.example' }));
    const error: unknown = await client
      .authorizationCodeGrant(config, new URL(callback), flow.checks)
      .then(
        () => undefined,
        (rejection: unknown) => rejection,
      );
    expect(error).toBeInstanceOf(client.ClientError);
    expect((error as client.ClientError).cause).toMatchObject({
      message: 'JWT signature verification failed',
    });
  });

  // Worth knowing for the server: openid-client trusts an ID token fetched straight from the token
  // endpoint (OIDC Core 3.1.3.7 lets TLS stand in for the signature) unless told otherwise.
  it('shows openid-client skips the signature check without enableNonRepudiationChecks', async () => {
    const config = await discover(idp, HTTPS_CLIENT);
    const flow = await startFlow(config, HTTPS_CLIENT.redirectUris[0]!);
    const callback = await idp.signIn(flow.url.href, 'sub-alice');
    idp.tamperNextIdToken((payload) => ({ ...payload, email: 'mallory@evil.example' }));
    const tokens = await client.authorizationCodeGrant(config, new URL(callback), flow.checks);
    expect(tokens.claims()?.email).toBe('mallory@evil.example');
  });

  it('rotates to a new signing key and publishes only that one', async () => {
    const before = idp.currentKid;
    expect(await publishedKids(idp)).toEqual([before]);

    await idp.rotateKeys();

    expect(idp.currentKid).not.toBe(before);
    expect(await publishedKids(idp)).toEqual([idp.currentKid]);
    const config = await discover(idp, HTTPS_CLIENT, { checkSignatures: true });
    const tokens = await signInAndRedeem(idp, config, HTTPS_CLIENT.redirectUris[0]!, 'sub-alice');
    expect(tokens.claims()?.email).toBe('alice@corp.example');
    expect(idTokenHeader(tokens.id_token).kid).toBe(idp.currentKid);
  });

  it('fails signIn for an account the IdP does not know', async () => {
    const config = await discover(idp, HTTPS_CLIENT);
    const flow = await startFlow(config, HTTPS_CLIENT.redirectUris[0]!);
    await expect(idp.signIn(flow.url.href, 'sub-nobody')).rejects.toThrow(
      /no account "sub-nobody" is configured/,
    );
  });
});
