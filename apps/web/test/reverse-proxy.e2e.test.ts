// A browser on "another machine": it reaches Conclave only by a TLS name through nginx (configured
// with the block docs/deploy.md gives operators), trusts exactly that certificate's key, and two
// people hold an E2EE meeting there — same security code, moving video — over HTTPS and WSS. The
// server, behind a trusted proxy, marks the session cookie Secure and sends HSTS. And the whole
// organization story at once (issue 12's "done when"): a person signs in through the company's
// OpenID provider (a real oidc-provider; created at first sign-in), holds an E2EE meeting through
// the proxy, /metrics shows that meeting, and a backup taken during it restores completely.
import { X509Certificate, createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupDataStore, restoreDataStore, startServer } from '@conclave/server';
import type { RunningServer } from '@conclave/server';
import { launchChromium } from './support/browser.ts';
import { buildWebApp, distDir } from './support/buildApp.ts';
import { expectMovingVideo, sharedCode } from './support/media.ts';
import { startNginx } from './support/nginx.ts';
import type { NginxFront } from './support/nginx.ts';
import { licensedPerson, signInToken, startedMeeting } from './support/roomPeople.ts';
import type { Person } from './support/roomPeople.ts';
import { startTestIdp } from '../../server/test/support/oidc-idp.ts';

const METRICS_TOKEN = 'metrics-token-for-the-proxy-test';

const serverName = 'conclave.test';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

let dataDir = '';
let server: RunningServer | undefined;
let front: NginxFront | undefined;
let browser: Browser | undefined;
/** Requests the pages tried to send anywhere but the proxy (and who asked): there must be none. */
const elsewhere: { url: string; from: string }[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'conclave-proxy-'));
  await buildWebApp();
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    webRoot: distDir,
    log: () => undefined,
    passwordCost: { N: 2 ** 10, r: 8, p: 1 },
    realtime: { batchWindowMs: 20, commitTimeoutMs: 1_500, reconnectGraceMs: 10_000 },
    trustedProxies: ['127.0.0.1'],
    metrics: { token: METRICS_TOKEN },
  });
  const pems = await generate([{ name: 'commonName', value: serverName }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: serverName }] }],
  });
  front = await startNginx({
    serverName,
    port: await freePort(),
    upstream: server.url,
    cert: pems.cert,
    key: pems.private,
  });
  // Trust this one key, as a person who checked the certificate would; no blanket "ignore errors".
  const spki = new X509Certificate(pems.cert).publicKey.export({ type: 'spki', format: 'der' });
  browser = await launchChromium([
    `--host-resolver-rules=MAP ${serverName} 127.0.0.1`,
    `--ignore-certificate-errors-spki-list=${createHash('sha256').update(spki).digest('base64')}`,
  ]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await front?.close();
  await server?.close();
  await rm(dataDir, { recursive: true, force: true });
});

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** A browser that may reach the proxy (and `also`, e.g. the identity provider) and nothing else. */
async function personalBrowser(
  also: readonly string[] = [],
): Promise<{ context: BrowserContext; page: Page }> {
  if (browser === undefined || front === undefined) throw new Error('not started');
  const origins = new Set([front.url, ...also]);
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (origins.has(new URL(url).origin) || url.startsWith('data:') || url.startsWith('blob:')) {
      await route.continue();
    } else {
      elsewhere.push({ url, from: originOf(route.request().frame().url()) });
      await route.abort();
    }
  });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  return { context, page };
}

describe('through nginx with TLS, as from another machine', () => {
  it('two people sign in and hold an E2EE meeting over HTTPS and WSS', async () => {
    if (server === undefined || front === undefined) throw new Error('not started');
    const admin = server.firstAdmin;
    if (admin === undefined) throw new Error('no first admin');
    const adminToken = await signInToken(server.url, admin.email, admin.password);
    const [alice, bob] = (await Promise.all(
      ['Alice', 'Bob'].map((name) => licensedPerson(server?.url ?? '', adminToken, name)),
    )) as [Person, Person];
    const meetingId = await startedMeeting(server.url, alice, [bob], true, 'Across the proxy');

    const pages: Page[] = [];
    const contexts: BrowserContext[] = [];
    for (const person of [alice, bob]) {
      const { context, page } = await personalBrowser();
      contexts.push(context);
      const answer = await page.goto(`${front.url}/meetings/${meetingId}/room`);
      expect(answer?.status()).toBe(200);
      expect(answer?.headers()['strict-transport-security']).toMatch(/max-age=\d+/);
      await page.getByLabel('Email').fill(person.email);
      await page.getByLabel('Password').fill(person.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Join with camera and microphone' }).click();
      pages.push(page);
    }
    const [alicePage, bobPage] = pages as [Page, Page];

    await sharedCode(alicePage, bobPage);
    await expectMovingVideo(alicePage, bob);
    await expectMovingVideo(bobPage, alice);

    // Secure cookie: the server believed the proxy's X-Forwarded-Proto.
    const cookies = await contexts[0]?.cookies(front.url);
    const session = cookies?.find((cookie) => cookie.name === 'conclave_session');
    expect(session?.secure).toBe(true);
    expect(session?.httpOnly).toBe(true);
    expect(elsewhere).toEqual([]);
    // The realtime sockets went through nginx as WebSocket upgrades (logged once they close).
    for (const context of contexts) await context.close();
    await expect
      .poll(() => front?.accessLog() ?? '', { timeout: 10_000 })
      .toMatch(/"GET \/api\/realtime[^"]*" 101 /);
    // Both left (their sockets closed): once their resume window (10 s here) passes, the meeting
    // is no longer live — the next test counts its own meeting alone.
    await expect
      .poll(
        async () =>
          (
            await fetch(`${server?.url ?? ''}/metrics`, {
              headers: { authorization: `Bearer ${METRICS_TOKEN}` },
            })
          ).text(),
        { timeout: 30_000, interval: 500 },
      )
      .toMatch(/^conclave_meetings\{mode="e2ee"\} 0$/m);
  }, 120_000);

  it('signs a person in through the company’s identity provider; their E2EE meeting shows in /metrics and a backup during it restores', async () => {
    if (server === undefined || front === undefined) throw new Error('not started');
    const base = server.url;
    const admin = server.firstAdmin;
    if (admin === undefined) throw new Error('no first admin');
    const adminToken = await signInToken(base, admin.email, admin.password);
    const idp = await startTestIdp({
      clients: [
        {
          clientId: 'conclave',
          clientSecret: 'proxy-test-client-secret',
          redirectUris: [`${front.url}/api/auth/sso/callback`],
        },
      ],
      accounts: { 'sub-carol': { email: 'carol@acme.example', name: 'Carol Acme', groups: [] } },
    });
    try {
      // The admin sets the provider up in the admin center.
      const setup = await personalBrowser();
      await setup.page.goto(`${front.url}/admin/sso`);
      await setup.page.getByLabel('Email').fill(admin.email);
      await setup.page.getByLabel('Password').fill(admin.password);
      await setup.page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await setup.page.getByRole('heading', { name: 'Single sign-on' }).first().waitFor();
      await setup.page.getByLabel('Issuer').fill(idp.issuer);
      await setup.page.getByLabel('Client id').fill('conclave');
      await setup.page.getByLabel('Client secret').fill('proxy-test-client-secret');
      await setup.page.getByLabel('Email domains').fill('acme.example');
      await setup.page
        .getByLabel('Give people created at their first sign-in the Premium licence')
        .check();
      await setup.page.getByRole('button', { name: 'Save single sign-on' }).click();
      await setup.page.getByText('Register this redirect address with your provider').waitFor();
      expect(await setup.page.getByText(`${front.url}/api/auth/sso/callback`).count()).toBe(1);
      await setup.context.close();

      // Carol has no account yet: she signs in at the company's provider, through the proxy.
      const { context, page } = await personalBrowser([idp.issuer]);
      await page.goto(`${front.url}/`);
      await page.getByLabel('Email').fill('carol@acme.example');
      await page.getByRole('button', { name: 'Continue with single sign-on' }).click();
      await page.waitForURL((url) => url.origin === idp.issuer);
      await page.locator('input[name="login"]').fill('sub-carol');
      await page.locator('input[name="password"]').fill('anything');
      await page.locator('button[type="submit"]').first().click();
      await page.waitForURL(`${front.url}/meetings`);
      const session = (await context.cookies(front.url)).find((c) => c.name === 'conclave_session');
      expect(session?.secure).toBe(true);

      const users = (await (
        await fetch(`${base}/api/admin/users`, {
          headers: { authorization: `Bearer ${adminToken}` },
        })
      ).json()) as { users: { id: string; email: string }[] };
      const carolId = users.users.find((u) => u.email === 'carol@acme.example')?.id;
      expect(carolId).toBeDefined();
      const carol: Person = {
        name: 'Carol Acme',
        email: 'carol@acme.example',
        password: '',
        userId: carolId ?? '',
        token: '',
      };
      const dana = await licensedPerson(base, adminToken, 'Dana');
      const meetingId = await startedMeeting(base, dana, [carol], true, 'Signed in by the company');

      await page.goto(`${front.url}/meetings/${meetingId}/room`);
      await page.getByRole('button', { name: 'Join with camera and microphone' }).click();
      const other = await personalBrowser();
      await other.page.goto(`${front.url}/meetings/${meetingId}/room`);
      await other.page.getByLabel('Email').fill(dana.email);
      await other.page.getByLabel('Password').fill(dana.password);
      await other.page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await other.page.getByRole('button', { name: 'Join with camera and microphone' }).click();
      await sharedCode(page, other.page);

      // The operator's view: one E2EE meeting with two people in it.
      const metrics = await (
        await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
      ).text();
      expect(metrics).toMatch(/^conclave_meetings\{mode="e2ee"\} 1$/m);
      expect(metrics).toMatch(/^conclave_participants\{mode="e2ee"\} 2$/m);
      expect(metrics).not.toContain('carol');

      // A backup taken now, mid-meeting, restores into a fresh folder with every row.
      const backupDir = join(dataDir, '..', `${dataDir.split('/').pop() ?? 'x'}-backup`);
      const restoredDir = join(dataDir, '..', `${dataDir.split('/').pop() ?? 'x'}-restored`);
      try {
        const backup = await backupDataStore({ dataDir, to: backupDir });
        expect(backup.manifest.rows['tenant_sso']).toBe(1);
        expect(backup.manifest.rows['sso_identities']).toBe(1);
        await restoreDataStore({ from: backupDir, dataDir: restoredDir });
        const restored = await startServer({
          port: 0,
          dataDir: restoredDir,
          webRoot: false,
          log: () => undefined,
          passwordCost: { N: 2 ** 10, r: 8, p: 1 },
        });
        try {
          const token = await signInToken(restored.url, dana.email, dana.password);
          const meeting = await fetch(`${restored.url}/api/meetings/${meetingId}`, {
            headers: { authorization: `Bearer ${token}` },
          });
          expect(meeting.status).toBe(200);
          const restoredAdmin = await signInToken(restored.url, admin.email, admin.password);
          const sso = (await (
            await fetch(`${restored.url}/api/admin/sso`, {
              headers: { authorization: `Bearer ${restoredAdmin}` },
            })
          ).json()) as { sso: { issuer: string; hasClientSecret: boolean } | null };
          expect(sso.sso).toMatchObject({ issuer: idp.issuer, hasClientSecret: true });
        } finally {
          await restored.close();
        }
      } finally {
        await rm(backupDir, { recursive: true, force: true });
        await rm(restoredDir, { recursive: true, force: true });
      }
      await other.context.close();
      await context.close();
      // Conclave's pages asked nothing of anyone else (the test provider's own page fetches fonts).
      expect(elsewhere.filter((request) => request.from !== idp.issuer)).toEqual([]);
    } finally {
      await idp.close();
    }
  }, 180_000);
});
