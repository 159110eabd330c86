// `conclave join` when the server goes away for good (issue 16, item 3): it says it is
// reconnecting and why, and once its --reconnect-attempts are used up it prints its report and
// exits non-zero with the reason — not 0 with `joined: true` as if nothing happened.
import { spawn } from 'node:child_process';
import { ConclaveClient, MemoryStore } from '@conclave/client';
import { nodeWebSocketFactory } from '@conclave/client/node';
import { afterAll, describe, expect, it } from 'vitest';
import { binPath, repoRoot, runCli, tempDir } from './helpers/cli.ts';
import { rest as call, signIn } from './helpers/rest.ts';
import { startTestServer } from './helpers/server.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('conclave join when the server goes away', () => {
  it('reports reconnecting, then gives up after --reconnect-attempts and exits non-zero', async () => {
    const server = await startTestServer();
    let stopped = false;
    cleanups.push(() => (stopped ? undefined : server.stop()));
    const config = await tempDir('join-gives-up');
    cleanups.push(() => config.remove());
    const admin = await signIn(server.url, server.firstAdmin.email, server.firstAdmin.password);
    const people: Record<string, { id: string; email: string; password: string }> = {};
    for (const name of ['alice', 'bob']) {
      const email = `${name}@gives-up.example.org`;
      const password = `${name}-password-123`;
      const { user } = await call<{ user: { id: string } }>(
        server.url,
        admin,
        'POST',
        '/api/admin/users',
        { email, displayName: name, premium: true, password, mustChangePassword: false },
      );
      people[name] = { id: user.id, email, password };
    }
    const alice = people.alice!;
    const bob = people.bob!;
    const aliceToken = await signIn(server.url, alice.email, alice.password);
    const { meeting } = await call<{ meeting: { id: string } }>(
      server.url,
      aliceToken,
      'POST',
      '/api/meetings',
      { subject: 'Gives up', options: { endToEndEncryption: true }, invitees: [bob.id] },
    );
    const aliceClient = await ConclaveClient.connect({
      server: server.url,
      auth: { token: aliceToken },
      store: new MemoryStore(),
      webSocket: nodeWebSocketFactory(),
    });
    cleanups.push(() => aliceClient.close());
    await aliceClient.admissions.setInvitees(meeting.id, [bob.id]);
    await call(server.url, aliceToken, 'POST', `/api/meetings/${meeting.id}/start`);
    const aliceMeeting = await aliceClient.join(meeting.id);

    const signedIn = await runCli(
      ['sign-in', '--server', server.url, '--email', bob.email, '--password-stdin'],
      { configDir: config.path, stdin: bob.password },
    );
    expect(signedIn.code).toBe(0);
    const child = spawn(
      process.execPath,
      [binPath, 'join', meeting.id, '--duration', '120', '--reconnect-attempts', '2'],
      {
        cwd: repoRoot,
        env: { ...process.env, CONCLAVE_CONFIG_DIR: config.path, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    cleanups.push(() => void child.kill('SIGKILL'));
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));

    // bob is in the group with alice; then the server stops for good.
    const deadline = Date.now() + 60_000;
    while (aliceMeeting.roster.length < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(aliceMeeting.roster.length, stderr).toBe(2);
    stopped = true;
    await server.stop();

    const code = await Promise.race([
      exited,
      new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 60_000)),
    ]);
    expect(code, `${stdout}\n${stderr}`).toBe(1);
    expect(stderr).toContain('Reconnecting (the server is restarting): attempt 1');
    expect(stderr).toContain('Reconnecting (the server is restarting): attempt 2');
    expect(stderr).toMatch(/the meeting ended for this participant: .+/);
    // The report still came out, saying what happened before the end.
    expect(stdout).toContain(meeting.id);
  }, 120_000);
});
