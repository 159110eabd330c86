// Single sign-on against a real OpenID provider (oidc-provider, on loopback; ./support/oidc-idp.ts)
// through the server's own API, as a browser would go: /api/auth/sso/start → the provider's pages
// → the callback. An admin sets the provider up (the client secret sealed, never shown); a person
// of the domain is created at their first sign-in, and the groups claim sets their groups — so an
// encryption policy assigned to a group follows the company's groups; a tampered or expired ID
// token signs nobody in; the provider rotating its signing key does not break sign-in; and with
// password sign-in off only the first admin (break-glass) may still use a password.
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/index.ts';
import { fastPasswords } from './support/databases.ts';
import { client, fails, signIn, type Caller } from './support/http.ts';
import { startTestIdp, type TestIdp } from './support/oidc-idp.ts';

const CLIENT_ID = 'conclave';
const CLIENT_SECRET = 'a-client-secret-only-the-server-knows';
const DOMAIN = 'acme.example';

let idp: TestIdp;
let server: RunningServer;
let dataDir: string;
let admin: Caller;
let adminPassword: string;
let adminEmail: string;
/** Added to the server's clock (ms), to see tokens expire. */
let skewMs = 0;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'conclave-sso-'));
  server = await startServer({
    port: 0,
    dataDir,
    demo: true,
    passwordCost: fastPasswords,
    log: () => undefined,
    webRoot: false,
    now: () => Date.now() + skewMs,
  });
  idp = await startTestIdp({
    clients: [
      {
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        redirectUris: [`${server.url}/api/auth/sso/callback`],
      },
    ],
  });
  const demoAdmin = server.demoSignIns?.find((s) => s.email.startsWith('admin@'));
  if (demoAdmin === undefined) throw new Error('no demo admin');
  adminEmail = demoAdmin.email;
  adminPassword = demoAdmin.password;
  admin = client(server.url, (await signIn(server.url, adminEmail, adminPassword)).token);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await idp?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Outcome {
  /** The session token, when the callback signed someone in. */
  token: string | undefined;
  /** Where the browser goes next: the page's continue link, or the redirect. */
  next: string;
}

/** The browser's way through: start, the provider's pages (as `sub`), the callback. */
async function ssoSignIn(email: string, sub: string, next = '/meetings'): Promise<Outcome> {
  const query = new URLSearchParams({ email, next });
  const start = await fetch(`${server.url}/api/auth/sso/start?${query.toString()}`, {
    redirect: 'manual',
  });
  expect(start.status).toBe(302);
  const flowCookie = start.headers.getSetCookie().find((c) => c.startsWith('conclave_sso='));
  expect(flowCookie).toMatch(/HttpOnly/i);
  const authorize = new URL(start.headers.get('location') ?? '');
  expect(authorize.origin).toBe(new URL(idp.issuer).origin);
  expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authorize.searchParams.get('state')).toMatch(/.{20,}/);
  expect(authorize.searchParams.get('nonce')).toMatch(/.{20,}/);
  const back = await idp.signIn(authorize.href, sub);
  const callback = await fetch(back, {
    redirect: 'manual',
    headers: { cookie: (flowCookie ?? '').split(';')[0] ?? '' },
  });
  const session = callback.headers
    .getSetCookie()
    .find((c) => c.startsWith('conclave_session='))
    ?.split(';')[0]
    ?.slice('conclave_session='.length);
  if (callback.status === 200) {
    const page = await callback.text();
    return { token: session, next: /url=([^"]+)"/.exec(page)?.[1] ?? '' };
  }
  expect(callback.status).toBe(303);
  return { token: session, next: callback.headers.get('location') ?? '' };
}

async function me(token: string) {
  const reply = await client(server.url, token)('GET', '/api/me');
  expect(reply.status, reply.text).toBe(200);
  return (
    reply.body as {
      user: { id: string; email: string; displayName: string; groups: string[]; premium: boolean };
    }
  ).user;
}

describe('single sign-on through an OpenID provider', () => {
  let financeId: string;

  it('is set up by an admin: discovery checked, the secret sealed and never shown, audited', async () => {
    // A provider that does not answer discovery is refused with a sentence.
    const nowhere = await admin('PUT', '/api/admin/sso', {
      issuer: 'http://127.0.0.1:9/nothing-here',
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      domains: [DOMAIN],
    });
    expect(fails(nowhere, 400, 'INVALID_INPUT').message).toMatch(/discovery document/);
    // Not https and not this machine: refused.
    const plain = await admin('PUT', '/api/admin/sso', {
      issuer: 'http://idp.example.com',
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      domains: [DOMAIN],
    });
    expect(fails(plain, 400, 'INVALID_INPUT').message).toMatch(/https/);

    const put = await admin('PUT', '/api/admin/sso', {
      issuer: idp.issuer,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      domains: [DOMAIN],
      newUsersPremium: true,
    });
    expect(put.status, put.text).toBe(200);
    const shown = await admin('GET', '/api/admin/sso');
    expect(shown.text).not.toContain(CLIENT_SECRET);
    expect(shown.body).toMatchObject({
      sso: {
        issuer: idp.issuer,
        clientId: CLIENT_ID,
        hasClientSecret: true,
        domains: [DOMAIN],
        groupsClaim: 'groups',
        passwordSignIn: true,
        redirectUri: `${server.url}/api/auth/sso/callback`,
      },
    });
    // At rest the secret is sealed: not in the database file, not in the audit log.
    const db = new Database(join(dataDir, 'conclave.sqlite'), { readonly: true });
    try {
      const row = db.prepare('SELECT client_secret_sealed FROM tenant_sso').get() as {
        client_secret_sealed: string;
      };
      expect(row.client_secret_sealed).toMatch(/^sealed-v1\./);
    } finally {
      db.close();
    }
    expect(readFileSync(join(dataDir, 'conclave.sqlite')).includes(CLIENT_SECRET)).toBe(false);
    const audit = await admin('GET', '/api/admin/audit?kind=sso.created');
    expect(audit.text).not.toContain(CLIENT_SECRET);
    expect((audit.body as { entries: unknown[] }).entries).toHaveLength(1);

    // The sign-in page learns that this domain signs in through the provider.
    const lookup = await client(server.url)('GET', `/api/auth/sso?email=jo@${DOMAIN}`);
    expect(lookup.body).toMatchObject({ sso: true, passwordSignIn: true });
    const other = await client(server.url)('GET', '/api/auth/sso?email=jo@elsewhere.example');
    expect(other.body).toEqual({ sso: false, passwordSignIn: true });
  });

  it('creates a person at their first sign-in, with their groups from the claim and the policy those bring', async () => {
    const group = await admin('POST', '/api/admin/groups', { name: 'Treasury', members: [] });
    expect(group.status, group.text).toBe(201);
    financeId = (group.body as { group: { id: string } }).group.id;
    const policy = await admin('POST', '/api/admin/encryption-policies', {
      name: 'Finance E2EE',
      description: 'Sensitive meetings',
      meetingEndToEndEncryption: 'DisabledUserOverride',
      callingEndToEndEncryption: 'DisabledUserOverride',
    });
    expect(policy.status, policy.text).toBe(201);
    const assign = await admin('POST', '/api/admin/encryption-policy-assignments', {
      policy: 'Finance E2EE',
      group: financeId,
      rank: 50,
    });
    expect(assign.status, assign.text).toBe(201);

    idp.setAccount('sub-jo', {
      email: `jo@${DOMAIN}`,
      name: 'Jo Finance',
      groups: ['Treasury', 'Not a Conclave group'],
    });
    const first = await ssoSignIn(`jo@${DOMAIN}`, 'sub-jo');
    expect(first.next).toBe('/meetings');
    expect(first.token).toBeDefined();
    const jo = await me(first.token ?? '');
    expect(jo).toMatchObject({ email: `jo@${DOMAIN}`, displayName: 'Jo Finance', premium: true });
    expect(jo.groups).toEqual([financeId]);
    const effective = await admin('GET', `/api/admin/effective-policy/${jo.id}`);
    expect(effective.body).toMatchObject({ policy: { name: 'Finance E2EE' } });
    const created = await admin('GET', '/api/admin/audit?kind=user.created');
    expect(created.text).toContain('single-sign-on');

    // Out of Treasury at the provider: out of it here at the next sign-in, and back on the tenant's global policy.
    idp.setAccount('sub-jo', { email: `jo@${DOMAIN}`, name: 'Jo Finance', groups: [] });
    const again = await ssoSignIn(`jo@${DOMAIN}`, 'sub-jo');
    const joAgain = await me(again.token ?? '');
    expect(joAgain.id).toBe(jo.id);
    expect(joAgain.groups).toEqual([]);
    const after = await admin('GET', `/api/admin/effective-policy/${jo.id}`);
    expect(after.body).toMatchObject({ source: 'global' });
    expect(after.body).not.toMatchObject({ policy: { name: 'Finance E2EE' } });
    const synced = await admin('GET', '/api/admin/audit?kind=user.groups.synced');
    expect((synced.body as { entries: unknown[] }).entries).toHaveLength(2);
  });

  it('refuses a tampered ID token, a token for another domain, and a callback without its sign-in', async () => {
    idp.setAccount('sub-mo', { email: `mo@${DOMAIN}`, name: 'Mo', groups: [] });
    idp.tamperNextIdToken((payload) => ({ ...payload, email: `ceo@${DOMAIN}` }));
    const tampered = await ssoSignIn(`mo@${DOMAIN}`, 'sub-mo');
    expect(tampered).toEqual({ token: undefined, next: '/?sso_error=id_token_invalid' });

    idp.setAccount('sub-eve', { email: 'eve@elsewhere.example', name: 'Eve', groups: [] });
    const foreign = await ssoSignIn(`mo@${DOMAIN}`, 'sub-eve');
    expect(foreign).toEqual({ token: undefined, next: '/?sso_error=domain_not_allowed' });

    // The provider's answer reaching the callback without the browser's sealed sign-in cookie.
    const start = await fetch(`${server.url}/api/auth/sso/start?email=mo@${DOMAIN}`, {
      redirect: 'manual',
    });
    const back = await idp.signIn(start.headers.get('location') ?? '', 'sub-mo');
    const bare = await fetch(back, { redirect: 'manual' });
    expect(bare.status).toBe(303);
    expect(bare.headers.get('location')).toBe('/?sso_error=flow_expired');

    // Where to go next is a path of this site only.
    const outward = await ssoSignIn(`mo@${DOMAIN}`, 'sub-mo', '//evil.example/phish');
    expect(outward.token).toBeDefined();
    expect(outward.next).toBe('/');
  });

  it('refuses an expired ID token, judged by the server’s own clock', async () => {
    idp.setAccount('sub-kim', { email: `kim@${DOMAIN}`, name: 'Kim', groups: [] });
    skewMs = 2 * 60 * 60_000; // the ID tokens live an hour
    try {
      const expired = await ssoSignIn(`kim@${DOMAIN}`, 'sub-kim');
      expect(expired).toEqual({ token: undefined, next: '/?sso_error=id_token_invalid' });
    } finally {
      skewMs = 0;
    }
    expect((await ssoSignIn(`kim@${DOMAIN}`, 'sub-kim')).token).toBeDefined();
  });

  it('keeps signing people in when the provider rotates its signing key', async () => {
    idp.setAccount('sub-lu', { email: `lu@${DOMAIN}`, name: 'Lu', groups: [] });
    expect((await ssoSignIn(`lu@${DOMAIN}`, 'sub-lu')).token).toBeDefined();
    const before = idp.currentKid;
    await idp.rotateKeys();
    expect(idp.currentKid).not.toBe(before);
    const after = await ssoSignIn(`lu@${DOMAIN}`, 'sub-lu');
    expect(after.token).toBeDefined();
  });

  it('with password sign-in off, refuses passwords to everyone but the first admin', async () => {
    const alice = server.demoSignIns?.find((s) => s.email.startsWith('alice@'));
    if (alice === undefined) throw new Error('no demo alice');
    const off = await admin('PUT', '/api/admin/sso', {
      issuer: idp.issuer,
      clientId: CLIENT_ID,
      domains: [DOMAIN],
      passwordSignIn: false,
    });
    expect(off.status, off.text).toBe(200);
    const refused = await client(server.url)('POST', '/api/auth/sign-in', {
      email: alice.email,
      password: alice.password,
    });
    expect(fails(refused, 403, 'SSO_REQUIRED').message).toMatch(/identity provider/);
    // A wrong password learns nothing about it.
    const wrong = await client(server.url)('POST', '/api/auth/sign-in', {
      email: alice.email,
      password: 'not-her-password',
    });
    fails(wrong, 401, 'INVALID_CREDENTIALS');
    // The break-glass admin still can, and the stored secret was kept (sign-in still works).
    await signIn(server.url, adminEmail, adminPassword);
    expect((await ssoSignIn(`lu@${DOMAIN}`, 'sub-lu')).token).toBeDefined();

    const removed = await admin('DELETE', '/api/admin/sso');
    expect(removed.status).toBe(200);
    await signIn(server.url, alice.email, alice.password);
  });
});
