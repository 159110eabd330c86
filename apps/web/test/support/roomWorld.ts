// The world a room test runs in: the web app built, the real server serving it from a temp data
// dir with realtime timers short enough for tests, and one Chromium whose contexts are one person's
// browser each. `close()` takes all of it down again, in the reverse order.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { onTestFailed } from 'vitest';
import { startServer, type RunningServer } from '@conclave/server';
import { launchChromium } from './browser.ts';
import { buildWebApp, distDir } from './buildApp.ts';
import { signInToken } from './roomPeople.ts';

/** Where the browser tests leave their screenshots. */
export const artifacts = fileURLToPath(new URL('../../../../test-artifacts/web/', import.meta.url));

export interface NewPageOptions {
  /** Run before the app's own scripts in every page of the context, e.g. to take APIs away. */
  readonly initScripts?: readonly (() => void)[];
  readonly viewport?: { readonly width: number; readonly height: number };
}

export interface RoomWorld {
  /** The server now (a new one after `restartServer`). */
  readonly server: RunningServer;
  readonly browser: Browser;
  /** Where the server serves both the app and the API. */
  readonly url: string;
  /** The first admin's API token. */
  readonly adminToken: string;
  /** The server's data folder (its SQLite database: tests that play a compromised server). */
  readonly dataDir: string;
  /** A page in a fresh browser context (a person of its own), closed with the world. */
  newPage(options?: NewPageOptions): Promise<Page>;
  /** Fills and submits the sign-in form the page shows; waits for nothing after it. */
  signIn(page: Page, person: { readonly email: string; readonly password: string }): Promise<void>;
  /** A fresh page that opens the meeting's room, signs `person` in and joins with camera and mic. */
  joinRoom(
    person: { readonly email: string; readonly password: string },
    meetingId: string,
  ): Promise<Page>;
  /** A full-page screenshot as `file` in the artifacts folder. */
  screenshot(page: Page, file: string): Promise<void>;
  /** Screenshots of `pages` now, as failed-<world name>-<key>.png; never throws. */
  failureScreenshots(pages: Readonly<Record<string, Page>>): Promise<void>;
  /** The same, if and when the running test fails. */
  screenshotsOnFailure(pages: Readonly<Record<string, Page>>): void;
  /**
   * Stops the server as SIGTERM does (participants are told it is restarting), waits `pauseMs`,
   * and starts it again on the same port and data folder.
   */
  restartServer(pauseMs: number): Promise<void>;
  /** Idempotent. */
  close(): Promise<void>;
}

/** Short timers, so joins, commits and their retries happen within a test's patience. */
const realtime = { batchWindowMs: 20, commitTimeoutMs: 1_500, reconnectGraceMs: 10_000 };
const defaultViewport = { width: 1280, height: 860 };
const pageTimeoutMs = 20_000;

/** Server options a world may change (calls ring for `callRingMs`: shorter in the calls test). */
export interface WorldServerOptions {
  readonly callRingMs?: number;
}

/** `name` names the temp data dir and the failure screenshots. */
export async function startRoomWorld(
  name: string,
  serverOptions: WorldServerOptions = {},
): Promise<RoomWorld> {
  const dataDir = await mkdtemp(join(tmpdir(), `conclave-${name}-`));
  const contexts: BrowserContext[] = [];
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser?.close();
      await server?.close();
      await rm(dataDir, { recursive: true, force: true });
    })());

  const serve = (port: number) =>
    startServer({
      port,
      host: '127.0.0.1',
      dataDir,
      webRoot: distDir,
      log: () => {},
      passwordCost: { N: 2 ** 10, r: 8, p: 1 },
      realtime,
      ...serverOptions,
    });
  const restartServer = async (pauseMs: number): Promise<void> => {
    const port = Number(new URL(server?.url ?? '').port);
    await server?.close();
    server = undefined;
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
    server = await serve(port);
  };

  try {
    await mkdir(artifacts, { recursive: true });
    await buildWebApp();
    // Started side by side; whichever did start is kept, so close() can stop it if the other failed.
    const [serverStart, browserStart] = await Promise.allSettled([serve(0), launchChromium()]);
    if (serverStart.status === 'fulfilled') server = serverStart.value;
    if (browserStart.status === 'fulfilled') browser = browserStart.value;
    if (serverStart.status === 'rejected') throw serverStart.reason;
    if (browserStart.status === 'rejected') throw browserStart.reason;
    const admin = serverStart.value.firstAdmin;
    if (!admin) throw new Error('the server did not report its first admin');
    const adminToken = await signInToken(serverStart.value.url, admin.email, admin.password);
    return world(name, {
      dataDir,
      server: () => server ?? serverStart.value,
      restartServer,
      browser: browserStart.value,
      adminToken,
      contexts,
      close,
    });
  } catch (error) {
    await close();
    throw error;
  }
}

function world(
  name: string,
  parts: Pick<RoomWorld, 'browser' | 'adminToken' | 'dataDir' | 'restartServer' | 'close'> & {
    server: () => RunningServer;
    contexts: BrowserContext[];
  },
): RoomWorld {
  const { browser, contexts } = parts;
  const screenshot = async (page: Page, file: string): Promise<void> => {
    await page.screenshot({ path: join(artifacts, file), fullPage: true });
  };
  const failureScreenshots = async (pages: Readonly<Record<string, Page>>): Promise<void> => {
    for (const [key, page] of Object.entries(pages)) {
      await screenshot(page, `failed-${name}-${key}.png`).catch(() => undefined);
    }
  };
  return {
    get server() {
      return parts.server();
    },
    browser,
    url: parts.server().url,
    restartServer: parts.restartServer,
    adminToken: parts.adminToken,
    dataDir: parts.dataDir,
    async newPage({ initScripts = [], viewport = defaultViewport } = {}) {
      const context = await browser.newContext({ viewport });
      contexts.push(context);
      for (const script of initScripts) await context.addInitScript(script);
      const page = await context.newPage();
      page.setDefaultTimeout(pageTimeoutMs);
      return page;
    },
    async signIn(page, person) {
      await page.getByLabel('Email').fill(person.email);
      await page.getByLabel('Password').fill(person.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
    },
    async joinRoom(person, meetingId) {
      const page = await this.newPage();
      await page.goto(`${this.url}/meetings/${meetingId}/room`);
      await this.signIn(page, person);
      await page.getByRole('button', { name: 'Join with camera and microphone' }).click();
      return page;
    },
    screenshot,
    failureScreenshots,
    screenshotsOnFailure(pages) {
      onTestFailed(() => failureScreenshots(pages));
    },
    close: parts.close,
  };
}
