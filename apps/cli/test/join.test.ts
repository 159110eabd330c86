// `conclave join`: the signed-in user joins a real E2EE meeting on a real server as a headless MLS
// member, next to an SDK participant, and reports the same security code, the roster from the
// group, and the frames it decrypted per sender.
import { ConclaveClient, MemoryStore, type Meeting } from '@conclave/client';
import { nodeWebSocketFactory } from '@conclave/client/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInvitations } from './helpers/admissions.ts';
import { runCli, tempDir } from './helpers/cli.ts';
import { rest as restAt, signIn as signInAt } from './helpers/rest.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

interface JoinResult {
  meetingId: string;
  joined: boolean;
  e2ee: boolean;
  securityCode: string;
  epoch: string;
  roster: { userId: string; displayName: string; fingerprint: string; self: boolean }[];
  sent: { audioSent: number; videoSent: number; keyFramesSent: number };
  frames: { received: number; decrypted: number; droppedTotal: number };
  bySender: { userId?: string; received: number; decrypted: number }[];
}

let server: TestServer;
let bobConfig: { path: string; remove: () => Promise<void> };
let adminToken = '';
let alice: { id: string; token: string };
let bob: { id: string; email: string; password: string };
const closers: (() => void)[] = [];

const rest = <T>(token: string, method: string, path: string, body?: unknown) =>
  restAt<T>(server.url, token, method, path, body);
const signIn = (email: string, password: string) => signInAt(server.url, email, password);

async function user(name: string): Promise<{ id: string; email: string; password: string }> {
  const email = `${name}@join.example.org`;
  const password = `${name}-password-123`;
  const { user } = await rest<{ user: { id: string } }>(adminToken, 'POST', '/api/admin/users', {
    email,
    displayName: name,
    premium: true,
    password,
    mustChangePassword: false,
  });
  return { id: user.id, email, password };
}

async function e2eeMeeting(): Promise<string> {
  const { meeting } = await rest<{ meeting: { id: string } }>(
    alice.token,
    'POST',
    '/api/meetings',
    {
      subject: 'Headless',
      options: { endToEndEncryption: true },
      invitees: [bob.id],
    },
  );
  await signInvitations(server.url, alice.token, meeting.id, [bob.id]);
  await rest(alice.token, 'POST', `/api/meetings/${meeting.id}/start`);
  return meeting.id;
}

/** Alice, in this process through the SDK, sending audio every 20 ms while she is in. */
async function aliceJoins(
  meetingId: string,
): Promise<{ meeting: Meeting; codes: Map<string, string> }> {
  const client = await ConclaveClient.connect({
    server: server.url,
    auth: { token: alice.token },
    store: new MemoryStore(),
    webSocket: nodeWebSocketFactory(),
  });
  // The security code Alice showed in each epoch.
  const codes = new Map<string, string>();
  const meeting = client.meeting(meetingId);
  meeting.on('securityCode', (code) => codes.set(String(meeting.epoch), code));
  await meeting.join();
  const timer = setInterval(() => void meeting.publish('audio', new Uint8Array(60)), 20);
  closers.push(() => {
    clearInterval(timer);
    client.close();
  });
  return { meeting, codes };
}

beforeAll(async () => {
  server = await startTestServer();
  bobConfig = await tempDir('join-bob');
  adminToken = await signIn(server.firstAdmin.email, server.firstAdmin.password);
  const a = await user('alice');
  alice = { id: a.id, token: await signIn(a.email, a.password) };
  bob = await user('bob');
  const signedIn = await runCli(
    ['sign-in', '--server', server.url, '--email', bob.email, '--password-stdin'],
    { configDir: bobConfig.path, stdin: bob.password },
  );
  expect(signedIn.code).toBe(0);
});

afterAll(async () => {
  for (const close of closers) close();
  await server?.stop();
  await bobConfig?.remove();
});

describe('conclave join', () => {
  it('joins an E2EE meeting as an MLS member and reports code, roster and decrypted frames', async () => {
    const meetingId = await e2eeMeeting();
    const { meeting: a, codes } = await aliceJoins(meetingId);
    const result = await runCli(['join', meetingId, '--duration', '2', '--json'], {
      configDir: bobConfig.path,
      timeoutMs: 40_000,
    });
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as JoinResult;
    expect(report).toMatchObject({ meetingId, joined: true, e2ee: true });
    // The code Bob printed is the one Alice's SDK shows for the same epoch.
    expect(report.securityCode).toMatch(/^(\d{5} ){3}\d{5}$/);
    expect(codes.get(report.epoch)).toBe(report.securityCode);
    expect(report.roster.map((m) => m.userId).sort()).toEqual([alice.id, bob.id].sort());
    expect(report.roster.find((m) => m.self)?.userId).toBe(bob.id);
    const fromAlice = report.bySender.find((s) => s.userId === alice.id);
    expect(fromAlice?.decrypted).toBeGreaterThan(20);
    expect(report.frames.decrypted).toBe(fromAlice?.decrypted);
    expect(report.sent.audioSent).toBeGreaterThan(20);
    expect(report.sent.keyFramesSent).toBeGreaterThan(0);
    // Alice decrypted Bob's synthetic media.
    expect(a.stats().frames.decrypted).toBeGreaterThan(20);
  });

  it('streams events as JSON lines with --events, the result last, and keeps its device', async () => {
    const meetingId = await e2eeMeeting();
    await aliceJoins(meetingId);
    const result = await runCli(
      ['join', meetingId, '--duration', '1', '--json', '--events', '--no-media'],
      { configDir: bobConfig.path, timeoutMs: 40_000 },
    );
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const events = lines.slice(0, -1).map((e) => e.event);
    expect(events).toContain('joined');
    expect(events).toContain('epoch');
    expect(events).toContain('first-frame');
    expect(lines.at(-1)).toMatchObject({ meetingId, joined: true, sendsMedia: false });
    // Both runs used the one device stored in Bob's config folder.
    const bobToken = await signIn(bob.email, bob.password);
    const { devices } = await rest<{ devices: unknown[] }>(bobToken, 'GET', '/api/devices');
    expect(devices).toHaveLength(1);
  });

  it('waits in the lobby until the organizer lets it in with `conclave meeting admit`', async () => {
    const { meeting } = await rest<{ meeting: { id: string } }>(
      alice.token,
      'POST',
      '/api/meetings',
      { subject: 'Bob is not invited', options: { endToEndEncryption: true } },
    );
    await rest(alice.token, 'POST', `/api/meetings/${meeting.id}/start`);
    await aliceJoins(meeting.id);
    const aliceConfig = await tempDir('join-alice');
    try {
      const signedIn = await runCli(
        [
          'sign-in',
          '--server',
          server.url,
          '--email',
          'alice@join.example.org',
          '--password-stdin',
        ],
        { configDir: aliceConfig.path, stdin: 'alice-password-123' },
      );
      expect(signedIn.code).toBe(0);
      const asAlice = (...args: string[]) => runCli(args, { configDir: aliceConfig.path });
      const joining = runCli(['join', meeting.id, '--duration', '1'], {
        configDir: bobConfig.path,
        timeoutMs: 60_000,
      });
      let lobby = '';
      for (let tries = 0; tries < 60 && !lobby.includes('you to let them in'); tries++) {
        lobby = (await asAlice('meeting', 'lobby', meeting.id)).stdout;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(lobby).toMatch(/bob\s+\S+\s+you to let them in/);
      const admitted = await asAlice('meeting', 'admit', meeting.id, 'bob');
      expect(admitted.code).toBe(0);
      expect(admitted.stdout).toContain('bob was let in.');
      const result = await joining;
      expect(result.code).toBe(0);
      // Progress on stderr: told it waits (no error), then joined once let in.
      expect(result.stderr).toContain('Waiting for the organizer to let you in.');
      expect(result.stderr).toMatch(/Joined; security code \d{5} /);
    } finally {
      await aliceConfig.remove();
    }
  }, 90_000);

  it('explains a refused join and exits 4', async () => {
    const result = await runCli(['join', 'no-such-meeting', '--duration', '1'], {
      configDir: bobConfig.path,
      timeoutMs: 40_000,
    });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('MEETING_NOT_FOUND');
    expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });
});
