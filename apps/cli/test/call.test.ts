// `conclave call`: the caller places a call and follows it while it rings — accepted (answered
// with `conclave call accept ID` by the callee) or declined — and `conclave calls` lists the
// history, on a real server through the real binary. An E2EE call's callee is signed on the
// caller's device, and both sides join it with `conclave join`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, type CliResult } from './helpers/cli.ts';
import { rest as restAt, signIn as signInAt } from './helpers/rest.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

interface Person {
  id: string;
  token: string;
  config: { path: string; remove: () => Promise<void> };
}

let server: TestServer;
let alice: Person;
let bob: Person;

const rest = <T>(token: string, method: string, path: string, body?: unknown) =>
  restAt<T>(server.url, token, method, path, body);
const as = (who: Person, ...args: string[]): Promise<CliResult> =>
  runCli(args, { configDir: who.config.path, timeoutMs: 60_000 });

async function person(adminToken: string, name: string): Promise<Person> {
  const email = `${name.toLowerCase()}@call.example.org`;
  const password = `${name}-password-123`;
  const { user } = await rest<{ user: { id: string } }>(adminToken, 'POST', '/api/admin/users', {
    email,
    displayName: name,
    password,
    mustChangePassword: false,
  });
  const config = await tempDir(`call-${name}`);
  const signedIn = await runCli(
    ['sign-in', '--server', server.url, '--email', email, '--password-stdin'],
    { configDir: config.path, stdin: `${password}\n` },
  );
  expect(signedIn.code, signedIn.stderr).toBe(0);
  return { id: user.id, token: await signInAt(server.url, email, password), config };
}

/** The call ringing for `callee` now (read as they would, through the API). */
async function ringingFor(callee: Person): Promise<string> {
  for (let tries = 0; tries < 200; tries++) {
    const { calls } = await rest<{ calls: { id: string; state: string }[] }>(
      callee.token,
      'GET',
      '/api/calls',
    );
    const ringing = calls.find((call) => call.state === 'ringing');
    if (ringing !== undefined) return ringing.id;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('no call rang');
}

beforeAll(async () => {
  server = await startTestServer();
  const adminToken = await signInAt(
    server.url,
    server.firstAdmin.email,
    server.firstAdmin.password,
  );
  alice = await person(adminToken, 'Alice');
  bob = await person(adminToken, 'Bob');
});

afterAll(async () => {
  await Promise.all([alice?.config.remove(), bob?.config.remove()]);
  await server?.stop();
});

describe('conclave call', () => {
  it('rings until the callee accepts with `conclave call accept ID`', async () => {
    const calling = as(alice, 'call', 'Bob');
    const id = await ringingFor(bob);
    const accepted = await as(bob, 'call', 'accept', id);
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(accepted.stdout).toContain(`Call ${id}: Accepted: join it with \`conclave join ${id}\``);
    const caller = await calling;
    expect(caller.code, caller.stderr).toBe(0);
    expect(caller.stdout).toContain('standard encryption (not end-to-end)');
    expect(caller.stderr).toContain('Ringing Bob…');
    expect(caller.stdout).toContain(`Call ${id}: Bob accepted the call`);
    const ended = await as(alice, 'call', 'end', id, '--json');
    expect(JSON.parse(ended.stdout)).toMatchObject({ call: { id, state: 'ended' } });
  });

  it('tells the caller when the callee declines; answering twice is a clear error', async () => {
    const calling = as(alice, 'call', 'Bob');
    const id = await ringingFor(bob);
    expect((await as(bob, 'call', 'decline', id)).stdout).toContain('You declined the call.');
    expect((await calling).stdout).toContain(`Call ${id}: Bob declined the call.`);
    const again = await as(bob, 'call', 'accept', id);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('The call was declined; it cannot be accepted now.');
    expect(again.stderr).not.toMatch(/\n\s+at /);
  });

  it('places a call without following it (--no-wait); only the caller may cancel it', async () => {
    const placed = await as(alice, 'call', 'Bob', '--no-wait', '--json');
    const { call } = JSON.parse(placed.stdout) as { call: { id: string; state: string } };
    expect(call.state).toBe('ringing');
    expect((await as(bob, 'call', 'cancel', call.id)).stderr).toContain(
      'Only the caller can cancel a call',
    );
    expect((await as(alice, 'call', 'cancel', call.id)).stdout).toContain(
      'Cancelled: you hung up before an answer.',
    );
  });

  it('signs the callee of an E2EE call on the caller’s device; both sides join it from the CLI', async () => {
    const admin = await signInAt(server.url, server.firstAdmin.email, server.firstAdmin.password);
    await rest(admin, 'POST', '/api/admin/encryption-policies', {
      name: 'CallsAllowed',
      meetingEndToEndEncryption: 'DisabledUserOverride',
      callingEndToEndEncryption: 'DisabledUserOverride',
    });
    await rest(admin, 'POST', '/api/admin/encryption-policy-assignments', {
      policy: 'CallsAllowed',
      global: true,
    });
    const carol = await person(admin, 'Carol');
    const dan = await person(admin, 'Dan');
    for (const who of [carol, dan])
      await rest(who.token, 'PATCH', '/api/me/settings', { e2eeCalls: true });
    try {
      const placed = await as(carol, 'call', 'Dan', '--no-wait', '--json');
      expect(placed.code, placed.stderr).toBe(0);
      const { call } = JSON.parse(placed.stdout) as {
        call: { id: string; endToEndEncryption: { enabled: boolean } };
      };
      expect(call.endToEndEncryption.enabled).toBe(true);
      // The statement the server serves to both sides was signed on Carol's CLI device.
      const list = await rest<{ signed: unknown[] }>(
        dan.token,
        'GET',
        `/api/directory/admissions/${call.id}`,
      );
      expect(list.signed).toHaveLength(1);
      await as(dan, 'call', 'accept', call.id);
      // Carol stays on past Dan's three seconds, so Dan's report sees them both to the end.
      const joins = [
        [carol, '12'],
        [dan, '3'],
      ].map(([who, seconds]) =>
        runCli(['join', call.id, '--duration', seconds as string, '--json'], {
          configDir: (who as Person).config.path,
          timeoutMs: 90_000,
        }),
      );
      const [byCarol, byDan] = (await Promise.all(joins)).map((result) => {
        expect(result.code, result.stderr).toBe(0);
        return JSON.parse(result.stdout) as {
          e2ee: boolean;
          roster: { userId: string }[];
          bySender: { userId?: string; decrypted: number }[];
          frames: { decrypted: number };
        };
      });
      expect(byDan!.e2ee).toBe(true);
      expect(byDan!.roster.map((m) => m.userId).sort()).toEqual([carol.id, dan.id].sort());
      expect(byDan!.bySender.find((s) => s.userId === carol.id)?.decrypted).toBeGreaterThan(0);
      // Dan has left by the end of Carol's report, so his frames are counted without his name.
      expect(byCarol!.frames.decrypted).toBeGreaterThan(0);
    } finally {
      await Promise.all([carol.config.remove(), dan.config.remove()]);
    }
  });

  it('lists the history with `conclave calls`', async () => {
    const history = await as(bob, 'calls');
    expect(history.code, history.stderr).toBe(0);
    const lines = history.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^WHEN\s+DIRECTION\s+WHO\s+STATE\s+E2EE\s+ID$/);
    expect(lines.slice(1).map((line) => line.split(/\s+/)[3])).toEqual([
      'cancelled',
      'declined',
      'ended',
    ]);
    expect(lines[1]).toMatch(/\sfrom\s+Alice\s/);
  });
});
