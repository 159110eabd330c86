// A browser on "another machine": it reaches Conclave only by a TLS name through nginx (configured
// with the block docs/deploy.md gives operators), trusts exactly that certificate's key, and two
// people hold an E2EE meeting there — same security code, moving video — over HTTPS and WSS. The
// server, behind a trusted proxy, marks the session cookie Secure and sends HSTS.
import { X509Certificate, createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '@conclave/server';
import type { RunningServer } from '@conclave/server';
import { launchChromium } from './support/browser.ts';
import { buildWebApp, distDir } from './support/buildApp.ts';
import { expectMovingVideo, sharedCode } from './support/media.ts';
import { startNginx } from './support/nginx.ts';
import type { NginxFront } from './support/nginx.ts';
import { licensedPerson, signInToken, startedMeeting } from './support/roomPeople.ts';
import type { Person } from './support/roomPeople.ts';

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
/** Requests the pages tried to send anywhere but the proxy: there must be none. */
const elsewhere: string[] = [];

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

async function personalBrowser(): Promise<{ context: BrowserContext; page: Page }> {
  if (browser === undefined || front === undefined) throw new Error('not started');
  const origin = front.url;
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (new URL(url).origin === origin || url.startsWith('data:') || url.startsWith('blob:')) {
      await route.continue();
    } else {
      elsewhere.push(url);
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
  }, 120_000);
});
