// A real Conclave server in this process (SQLite in a temporary folder, a free port), and the
// REST steps the SDK tests need: the first admin creates people with the E2EE licence, an
// organizer schedules and starts a meeting. Participants are SDK clients over real WebSockets.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '@conclave/server';
import { afterAll, beforeAll } from 'vitest';
import {
  ConclaveClient,
  MemoryStore,
  type Clock,
  type ConnectOptions,
  type WebSocketFactory,
} from '../../src/index.ts';
import { nodeWebSocketFactory } from '../../src/node.ts';
import { Tap } from './tapped-socket.ts';

export interface RealServer {
  readonly url: string;
  readonly dataDir: string;
  readonly logLines: string[];
  readonly running: RunningServer;
  adminToken: string;
  stop(): Promise<void>;
}

export interface RealPerson {
  readonly name: string;
  readonly userId: string;
  readonly token: string;
  readonly client: ConclaveClient;
}

/** Fast batching and commit fallback; the defaults are minutes apart. */
export const testRealtime = { batchWindowMs: 20, commitTimeoutMs: 1_500, reconnectGraceMs: 10_000 };

export async function startRealServer(realtime: Record<string, number> = {}): Promise<RealServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'conclave-sdk-'));
  const logLines: string[] = [];
  const running = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    passwordCost: { N: 1024, r: 8, p: 1 },
    log: (line) => logLines.push(line),
    realtime: { ...testRealtime, ...realtime },
  });
  const admin = running.firstAdmin;
  if (admin === undefined) throw new Error('a fresh data folder must create the first admin');
  const server: RealServer = {
    url: running.url,
    dataDir,
    logLines,
    running,
    adminToken: '',
    async stop() {
      await running.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  server.adminToken = await signIn(server.url, admin.email, admin.password);
  return server;
}

export async function api<T>(
  server: { url: string },
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

export async function signIn(url: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${url}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!response.ok) throw new Error(`sign-in: HTTP ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}

/** A licensed user, signed in, with an SDK client (device registered). */
export async function realPerson(
  server: Pick<RealServer, 'url' | 'adminToken'>,
  name: string,
  options: {
    clock?: Clock;
    webSocket?: WebSocketFactory;
    fetch?: typeof fetch;
    clientInfo?: ConnectOptions['clientInfo'];
  } = {},
): Promise<RealPerson> {
  const password = `password-${name}-1234`;
  const email = `${name}-${Math.random().toString(36).slice(2, 8)}@example.org`;
  const created = await api<{ user: { id: string } }>(
    server,
    server.adminToken,
    'POST',
    '/api/admin/users',
    {
      email,
      displayName: name,
      premium: true,
      password,
      mustChangePassword: false,
    },
  );
  const token = await signIn(server.url, email, password);
  const client = await ConclaveClient.connect({
    server: server.url,
    auth: { token },
    store: new MemoryStore(),
    webSocket: options.webSocket ?? nodeWebSocketFactory(),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    deviceName: `${name}'s test device`,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.clientInfo === undefined ? {} : { clientInfo: options.clientInfo }),
  });
  return { name, userId: created.user.id, token, client };
}

/** Scheduled by `organizer`, everyone invited, started. */
export async function startedMeeting(
  server: Pick<RealServer, 'url'>,
  organizer: RealPerson,
  invitees: readonly RealPerson[],
  e2ee: boolean,
): Promise<string> {
  const { meeting } = await api<{
    meeting: { id: string; endToEndEncryption: { enabled: boolean } };
  }>(server, organizer.token, 'POST', '/api/meetings', {
    subject: 'SDK test',
    options: { endToEndEncryption: e2ee },
    invitees: invitees.map((p) => p.userId),
  });
  if (meeting.endToEndEncryption.enabled !== e2ee)
    throw new Error('the meeting did not get the E2EE state asked for');
  // The organizer's device signs who may enter (members take no one else).
  if (e2ee)
    await organizer.client.admissions.setInvitees(
      meeting.id,
      invitees.map((p) => p.userId),
    );
  await api(server, organizer.token, 'POST', `/api/meetings/${meeting.id}/start`);
  return meeting.id;
}

/** A participant whose socket the test can watch and tamper with. */
export interface Tapped extends RealPerson {
  readonly tap: Tap;
}

export interface RealServerForFile {
  /** The file's server (started before its first test). */
  readonly server: RealServer;
  /** Licensed people signed in on it, each with a tapped socket; closed after the file. */
  people(...names: string[]): Promise<Tapped[]>;
}

/** One real server for a test file: started before its tests, stopped (and clients closed) after. */
export function realServerForFile(realtime: Record<string, number> = {}): RealServerForFile {
  let server: RealServer | undefined;
  const everyone: RealPerson[] = [];
  beforeAll(async () => {
    server = await startRealServer(realtime);
  });
  afterAll(async () => {
    for (const p of everyone) p.client.close();
    await server?.stop();
  });
  const started = (): RealServer => {
    if (server === undefined) throw new Error('the real server starts in beforeAll');
    return server;
  };
  return {
    get server() {
      return started();
    },
    async people(...names) {
      const out: Tapped[] = [];
      for (const name of names) {
        const tap = new Tap();
        const p = { ...(await realPerson(started(), name, { webSocket: tap.factory })), tap };
        everyone.push(p);
        out.push(p);
      }
      return out;
    },
  };
}
