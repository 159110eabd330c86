// The meeting room end to end: two real Chromium participants join an E2EE meeting through the
// web app served by the real server, each decodes the other's camera (pixels arrive and move) and
// microphone with SFrame in each page's worker, both show the same security code, a third
// (headless SDK) participant changes it, chat crosses both ways, and reaching for recording says
// why it is unavailable.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { ConclaveClient, MemoryStore, type Meeting } from '@conclave/client';
import { nodeWebSocketFactory } from '@conclave/client/node';
import { startServer, type RunningServer } from '@conclave/server';
import { launchChromium } from './support/browser.ts';
import { buildWebApp, distDir } from './support/buildApp.ts';
import { licensedPerson, signInToken, startedMeeting, type Person } from './support/roomPeople.ts';

const artifacts = fileURLToPath(new URL('../../../test-artifacts/web/', import.meta.url));
const CODE = /^\d{5} \d{5} \d{5} \d{5}$/;

let dataDir: string;
let server: RunningServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
let carolClient: ConclaveClient | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'conclave-room-e2e-'));
  await mkdir(artifacts, { recursive: true });
  await buildWebApp();
  [server, browser] = await Promise.all([
    startServer({
      port: 0,
      host: '127.0.0.1',
      dataDir,
      webRoot: distDir,
      log: () => {},
      passwordCost: { N: 2 ** 10, r: 8, p: 1 },
      realtime: { batchWindowMs: 20, commitTimeoutMs: 1_500, reconnectGraceMs: 10_000 },
    }),
    launchChromium(),
  ]);
});

afterAll(async () => {
  carolClient?.close();
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await server?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function joinRoom(person: Person, meetingId: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  await page.goto(`${server.url}/meetings/${meetingId}/room`);
  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Join with camera and microphone' }).click();
  return page;
}

const codeOf = async (page: Page) =>
  (await page.locator('.security-code').textContent())?.trim() ?? '';

/** The page's security code once it is a full code different from `not`. */
async function settledCode(page: Page, not = ''): Promise<string> {
  await expect.poll(() => codeOf(page), { timeout: 20_000 }).toMatch(CODE);
  await expect.poll(() => codeOf(page), { timeout: 20_000 }).not.toBe(not);
  return codeOf(page);
}

/** A cheap fingerprint of what the tile of `userId` shows now: non-blank pixels and their sum. */
function sampleTile(
  page: Page,
  userId: string,
): Promise<{ width: number; lit: number; sum: number }> {
  return page.evaluate((id) => {
    const canvas = document.querySelector<HTMLCanvasElement>(
      `[data-user-id="${id}"][data-kind="camera"] canvas`,
    );
    if (!canvas || canvas.width === 0) return { width: 0, lit: 0, sum: 0 };
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let lit = 0;
    let sum = 0;
    for (let i = 0; i < data.length; i += 4) {
      const value = data[i]! + data[i + 1]! + data[i + 2]!;
      if (value > 30) lit++;
      sum = (sum + value * ((i >> 2) % 251)) % 1_000_000_007;
    }
    return { width: canvas.width, lit, sum };
  }, userId);
}

async function expectMovingVideo(page: Page, from: Person): Promise<void> {
  await expect
    .poll(async () => (await sampleTile(page, from.userId)).lit, { timeout: 20_000 })
    .toBeGreaterThan(1000);
  const first = await sampleTile(page, from.userId);
  await page.waitForTimeout(800);
  const second = await sampleTile(page, from.userId);
  expect(second.width).toBeGreaterThan(0);
  expect(second.sum).not.toBe(first.sum);
}

const audioDecoded = (page: Page, from: Person) =>
  page
    .locator(`.room-audio[data-user-id="${from.userId}"]`)
    .first()
    .getAttribute('data-decoded')
    .then(Number);

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(artifacts, `room-${name}.png`), fullPage: true });
}

describe('the meeting room in two browsers', () => {
  it('carries E2EE video, audio, security codes and chat between two browsers and a headless member', async () => {
    const adminToken = await signInToken(
      server.url,
      server.firstAdmin!.email,
      server.firstAdmin!.password,
    );
    const [alice, bob, carol] = (await Promise.all(
      ['Alice', 'Bob', 'Carol'].map((name) => licensedPerson(server.url, adminToken, name)),
    )) as [Person, Person, Person];
    const meetingId = await startedMeeting(server.url, alice, [bob, carol], true, 'Board review');

    const alicePage = await joinRoom(alice, meetingId);
    const bobPage = await joinRoom(bob, meetingId);
    onTestFailed(async () => {
      await alicePage
        .screenshot({ path: join(artifacts, 'failed-room-alice.png'), fullPage: true })
        .catch(() => undefined);
      await bobPage
        .screenshot({ path: join(artifacts, 'failed-room-bob.png'), fullPage: true })
        .catch(() => undefined);
    });

    // Both show the same code once both are in the group.
    await expect
      .poll(async () => [await codeOf(alicePage), await codeOf(bobPage)].join('|'), {
        timeout: 20_000,
      })
      .toMatch(/^(\d{5} \d{5} \d{5} \d{5})\|\1$/);
    const codeOfTwo = await codeOf(alicePage);

    // Each decodes the other's camera — real pixels, and they move — and microphone.
    await expectMovingVideo(alicePage, bob);
    await expectMovingVideo(bobPage, alice);
    await expect.poll(() => audioDecoded(alicePage, bob), { timeout: 10_000 }).toBeGreaterThan(0);
    await expect.poll(() => audioDecoded(bobPage, alice), { timeout: 10_000 }).toBeGreaterThan(0);
    await screenshot(alicePage, 'two-alice');

    // Those frames were protected and decrypted in each page's SFrame worker, not on the page.
    const workerFrames = (page: Page) =>
      page.evaluate(
        () =>
          (globalThis as { __conclaveRoomStats?: { workerFrames: number } }).__conclaveRoomStats
            ?.workerFrames ?? 0,
      );
    expect(await workerFrames(alicePage)).toBeGreaterThan(0);
    expect(await workerFrames(bobPage)).toBeGreaterThan(0);

    // The participant list comes from the MLS group, with each device's fingerprint.
    await expect.poll(() => alicePage.locator('.room-person').count()).toBe(2);
    await expect.poll(() => alicePage.locator('.room-person .fingerprint').count()).toBe(2);

    // A third, headless participant joins: the code changes, the same on both browsers.
    carolClient = await ConclaveClient.connect({
      server: server.url,
      auth: { token: carol.token },
      store: new MemoryStore(),
      webSocket: nodeWebSocketFactory(),
      deviceName: 'Carol test device',
    });
    const carolMeeting: Meeting = await carolClient.join(meetingId);
    const codeOfThree = await settledCode(alicePage, codeOfTwo);
    await expect.poll(() => codeOf(bobPage), { timeout: 20_000 }).toBe(codeOfThree);
    await expect.poll(() => carolMeeting.securityCode, { timeout: 20_000 }).toBe(codeOfThree);
    await expect.poll(() => alicePage.locator('.room-person').count()).toBe(3);
    await alicePage.locator('.room-person-name', { hasText: 'Carol' }).waitFor();

    // Chat both ways between the browsers; the headless member reads it too.
    const carolHeard: string[] = [];
    carolMeeting.on('chat', (m) => carolHeard.push(`${m.from.displayName}: ${m.text}`));
    await alicePage.getByLabel('Message').fill('Hello from Alice');
    await alicePage.getByRole('button', { name: 'Send' }).click();
    await bobPage.locator('.chat-line', { hasText: 'Hello from Alice' }).waitFor();
    await bobPage.getByLabel('Message').fill('Hi Alice, Bob here');
    await bobPage.getByRole('button', { name: 'Send' }).click();
    await alicePage.locator('.chat-line', { hasText: 'Hi Alice, Bob here' }).waitFor();
    await expect
      .poll(() => carolHeard.sort(), { timeout: 10_000 })
      .toEqual(['Alice: Hello from Alice', 'Bob: Hi Alice, Bob here'].sort());

    // Reaching for recording says why it is unavailable.
    await alicePage.getByRole('button', { name: 'Record' }).press('Enter');
    await expect
      .poll(() => alicePage.locator('.room-feature-answer').textContent())
      .toContain('Recording is unavailable: this meeting is end-to-end encrypted');

    // Carol leaves: the code changes again.
    await carolMeeting.leave();
    await settledCode(bobPage, codeOfThree);
    await expect.poll(() => bobPage.locator('.room-person').count(), { timeout: 20_000 }).toBe(2);
    await screenshot(alicePage, 'alice');
    await screenshot(bobPage, 'bob');
  });
});
