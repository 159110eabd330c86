// `conclave sign-in --sso`: single sign-on for a terminal by a loopback redirect (RFC 8252). The
// CLI listens on 127.0.0.1, the browser signs in at the organization's provider through the server
// (/api/auth/sso/start), and the server's callback sends the browser to the CLI's port with a
// one-time code, which the CLI redeems with its PKCE-style verifier (the server holds only the
// verifier's SHA-256, so another program that sees the redirect cannot use the code). The server
// side is apps/server/src/routes/sso.ts and identity/sso/cli-handoff.ts.
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { z } from 'zod';
import type * as wire from '@conclave/protocol';
import { ApiClient } from '../api/client.ts';
import type { User } from '../api/types.ts';
import { CliError } from '../errors.ts';

/** A session opened through single sign-on: what password sign-in answers, less the device token. */
export interface SsoSession {
  token: string;
  expiresAt: string;
  user: User;
}

type SsoLookup = z.infer<typeof wire.ssoLookupResponseSchema>;

export interface SsoLoopbackOptions {
  /** The server's base URL, normalized (no trailing slash). */
  server: string;
  /** Tells the server which organization's provider to send the browser to. */
  email: string;
  /** How long to wait for the browser to come back: a failed sign-in never does. */
  timeoutMs: number;
  /** Called once with the address the browser must open (to print it, and maybe open it). */
  showAddress: (url: string) => void;
  fetch?: typeof fetch;
}

const CALLBACK_PATH = '/callback';

/** Runs the whole loopback sign-in and returns the session; the listener is closed either way. */
export async function signInThroughBrowser(options: SsoLoopbackOptions): Promise<SsoSession> {
  const api = new ApiClient({
    server: options.server,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
  await requireSso(api, options.email);
  const verifier = randomBytes(32).toString('base64url');
  const loopback = await listenOnLoopback();
  try {
    options.showAddress(startUrl(options.server, options.email, loopback.port, verifier));
    const callback = await withTimeout(loopback.firstCallback, options.timeoutMs);
    // The browser is answered once the outcome is known, so its page never says more than is true.
    try {
      const session = await redeem(api, callback.code, verifier);
      await callback.answer(200, SIGNED_IN_PAGE);
      return session;
    } catch (error) {
      await callback.answer(400, failedPage('the server did not accept the sign-in'));
      throw error;
    }
  } finally {
    await loopback.close();
  }
}

/** Fails at once when the email's organization has no provider: the browser would only show an error. */
async function requireSso(api: ApiClient, email: string): Promise<void> {
  const lookup = await api.get<SsoLookup>(`/api/auth/sso?${new URLSearchParams({ email })}`);
  if (lookup.sso !== true) {
    throw new CliError(
      'invalid_input',
      `${email} does not sign in through single sign-on on ${api.server} (no identity provider is set up for its domain); sign in with a password: \`conclave sign-in --email ${email}\``,
    );
  }
}

/** base64url(SHA-256(verifier)): the 43-character challenge the server keeps in its place. */
export function challengeOf(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

function startUrl(server: string, email: string, port: number, verifier: string): string {
  const query = new URLSearchParams({
    email,
    cli_port: String(port),
    cli_challenge: challengeOf(verifier),
  });
  return `${server}/api/auth/sso/start?${query}`;
}

async function redeem(api: ApiClient, code: string, verifier: string): Promise<SsoSession> {
  const session = await api.post<Partial<SsoSession>>('/api/auth/sso/cli-token', {
    code,
    verifier,
  });
  const { token, expiresAt, user } = session;
  if (typeof token !== 'string' || token === '' || typeof expiresAt !== 'string' || !user) {
    throw new CliError(
      'server',
      `the server at ${api.server} answered the sign-in without a token`,
    );
  }
  return { token, expiresAt, user };
}

// ---- The loopback listener ----

/** The browser's first visit to /callback with a code; it waits for `answer` (once the code is redeemed). */
interface Callback {
  code: string;
  /** Sends the page; settles once it is on its way, so closing the listener cannot cut it off. */
  answer: (status: number, page: string) => Promise<void>;
}

interface Loopback {
  port: number;
  /** Rejects when the first callback carries no code. */
  firstCallback: Promise<Callback>;
  close: () => Promise<void>;
}

async function listenOnLoopback(): Promise<Loopback> {
  let settle!: { resolve: (callback: Callback) => void; reject: (error: Error) => void };
  const firstCallback = new Promise<Callback>((resolve, reject) => (settle = { resolve, reject }));
  // Nobody may be waiting on it yet when a bad callback arrives (a timeout already won).
  firstCallback.catch(() => undefined);
  let arrived = false;
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== CALLBACK_PATH) return void send(response, 404, TEXT, 'Not found.\n');
    if (request.method !== 'GET') return void send(response, 405, TEXT, 'Method not allowed.\n');
    // Only the first callback counts: a reload or a second tab cannot start another redemption.
    if (arrived) return void send(response, 409, HTML, failedPage('this sign-in was already used'));
    arrived = true;
    const code = url.searchParams.get('code');
    if (code === null || code === '') {
      const missing = new CliError(
        'failed',
        'the browser came back to the CLI without a sign-in code; run `conclave sign-in --sso` again',
      );
      void send(response, 400, HTML, failedPage('no sign-in code came back')).then(() =>
        settle.reject(missing),
      );
      return;
    }
    settle.resolve({ code, answer: (status, page) => send(response, status, HTML, page) });
  });
  const port = await listen(server);
  return { port, firstCallback, close: () => closeServer(server) };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error) =>
      reject(
        new CliError(
          'failed',
          `cannot listen on 127.0.0.1 for the browser sign-in (${error.message})`,
        ),
      ),
    );
    // Port 0: the system picks a free port (above 1023, as the server requires).
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // A browser's keep-alive connection would otherwise hold the process open.
    server.closeAllConnections();
  });
}

const HTML = 'text/html; charset=utf-8';
const TEXT = 'text/plain; charset=utf-8';

/** Settles when the response is handed to the system (or the browser went away). */
function send(response: ServerResponse, status: number, type: string, body: string): Promise<void> {
  const done = new Promise<void>((resolve) => {
    response.once('finish', resolve);
    response.once('close', resolve);
  });
  response.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    // The page loads nothing from anywhere: no scripts, styles, images or frames.
    'content-security-policy': "default-src 'none'",
    'referrer-policy': 'no-referrer',
    connection: 'close',
  });
  response.end(body);
  return done;
}

const SIGNED_IN_PAGE = page(
  'Signed in to Conclave',
  'Signed in to Conclave; you can close this tab and return to the terminal.',
);

function failedPage(why: string): string {
  return page(
    'Conclave sign-in failed',
    `Conclave could not finish signing in: ${why}. The terminal says more.`,
  );
}

/** Fixed sentences only: nothing from the request is echoed into the page. */
function page(title: string, sentence: string): string {
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>${title}</title><p>${sentence}</p></html>\n`;
}

// ---- Waiting ----

/** The browser never comes back when the sign-in fails at the provider or the server. */
async function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(timedOut(timeoutMs)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function timedOut(timeoutMs: number): CliError {
  return new CliError(
    'failed',
    `no sign-in came back from the browser within the timeout of ${duration(timeoutMs)}; if the browser showed an error, sign-in failed there. Run the command again (--timeout <seconds> allows more time)`,
  );
}

function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds % 60 === 0 && seconds >= 60) {
    const minutes = seconds / 60;
    return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  }
  return `${seconds} second${seconds === 1 ? '' : 's'}`;
}
