// What operators' log collectors receive: one JSON object per line with time, level and message,
// a request id on every request line (the same id the client got as X-Request-Id), and nothing a
// log must not hold — no password, token, email address, display name, meeting subject or key —
// through a morning of sign-ins (right and wrong), account creation, and an E2EE meeting joined.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../src/index.ts';
import type { RunningServer } from '../src/index.ts';
import { fastPasswords } from './support/databases.ts';
import { client } from './support/http.ts';
import { signInAs, startedMeeting, testRealtime, toWs } from './realtime/support/deployment.ts';
import { TestParticipant } from './realtime/support/mls-client.ts';

describe('log lines', () => {
  const lines: string[] = [];
  let dataDir: string;
  let server: RunningServer;
  const passwords: Record<string, string> = {};

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'conclave-logs-'));
    server = await startServer({
      port: 0,
      dataDir,
      demo: true,
      passwordCost: fastPasswords,
      log: (line) => lines.push(line),
      logFormat: 'json',
      webRoot: false,
      realtime: testRealtime,
    });
    for (const signIn of server.demoSignIns ?? []) passwords[signIn.email] = signIn.password;
  });
  afterAll(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('are JSON with request ids, and hold no secret and no identity', async () => {
    const anonymous = client(server.url);
    const wrong = await anonymous('POST', '/api/auth/sign-in', {
      email: 'dave@demo.conclave.local',
      password: 'not-the-password-at-all',
    });
    expect(wrong.status).toBe(401);
    const requestId = wrong.headers.get('x-request-id') ?? '';
    expect(requestId).toMatch(/^[0-9a-f]{16}$/);

    const admin = await signInAs(server.url, 'admin', passwords['admin@conclave.local'] ?? '');
    const created = await admin.call('POST', '/api/admin/users', {
      email: 'zelda.quietly@example.org',
      displayName: 'Zelda Quietly',
      premium: true,
      password: 'zelda-password-0987',
      mustChangePassword: false,
    });
    expect(created.status).toBe(201);
    const dave = await signInAs(server.url, 'dave', passwords['dave@demo.conclave.local'] ?? '');
    const meetingId = await startedMeeting(dave, { e2ee: true, subject: 'Project Nightingale' });
    const member = await TestParticipant.create(dave);
    await member.connect(toWs(server.url));
    const joined = await member.join(meetingId);
    expect(joined.type).toBe('joined');
    member.socket.close();
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(lines.length).toBeGreaterThan(5);
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const entry of entries) {
      expect(typeof entry.time).toBe('string');
      expect(['info', 'error']).toContain(entry.level);
      expect(typeof entry.msg).toBe('string');
    }
    const requests = entries.filter((entry) => entry.msg === 'request');
    expect(requests.every((entry) => typeof entry.reqId === 'string')).toBe(true);
    expect(requests.some((entry) => entry.reqId === requestId && entry.status === 401)).toBe(true);

    const all = lines.join('\n');
    const forbidden = [
      ...Object.keys(passwords),
      ...Object.values(passwords),
      'dave@demo',
      'zelda',
      'Zelda',
      'zelda-password-0987',
      'not-the-password-at-all',
      'Project Nightingale',
      'Nightingale',
      admin.token,
      dave.token,
      'Dave',
    ];
    for (const text of forbidden) expect(all, text).not.toContain(text);
  }, 60_000);
});
