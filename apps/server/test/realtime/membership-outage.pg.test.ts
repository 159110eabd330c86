// Membership changes during a database outage (issue 16, item 2), with a real PostgreSQL stopped
// for 20 s under a running server and an E2EE meeting of four real MLS members. A member who
// leaves while the database is down is out of the relay at once, and out of the group — a new
// epoch, a new security code — within 5 s of the database coming back; the log names the
// failure's code, not a bare "Error". An organizer's removal during the outage is not reported
// done: it answers 503 UNAVAILABLE with Retry-After, and the retry it asks for goes through.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/index.ts';
import type { RunningServer } from '../../src/index.ts';
import { fastPasswords } from '../support/databases.ts';
import { client, fails } from '../support/http.ts';
import { startPrivatePostgres } from '../support/private-postgres.ts';
import type { PrivatePostgres } from '../support/private-postgres.ts';
import { signInAs, startedMeeting, testRealtime, toWs } from './support/deployment.ts';
import type { DemoPerson, SignedIn } from './support/deployment.ts';
import { converged, TestParticipant } from './support/mls-client.ts';

const OUTAGE_MS = 20_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('membership changes while PostgreSQL is down', () => {
  let database: PrivatePostgres;
  let dataDir: string;
  let server: RunningServer;
  const log: string[] = [];
  const people = {} as Record<DemoPerson, SignedIn>;

  beforeAll(async () => {
    database = await startPrivatePostgres();
    dataDir = mkdtempSync(join(tmpdir(), 'conclave-membership-outage-'));
    server = await startServer({
      port: 0,
      dataDir,
      databaseUrl: database.url,
      demo: true,
      passwordCost: fastPasswords,
      log: (line) => log.push(line),
      webRoot: false,
      realtime: { ...testRealtime, batchWindowMs: 50, reconnectGraceMs: 60_000 },
    });
    for (const signIn of server.demoSignIns ?? []) {
      const person = signIn.email.split('@')[0] as DemoPerson;
      people[person] = await signInAs(server.url, person, signIn.password);
    }
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    database?.remove();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function readyAgain(): Promise<number> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if ((await client(server.url)('GET', '/readyz')).status === 200) return Date.now();
      await sleep(50);
    }
    throw new Error('the database never came back');
  }

  it('commits a leave made during a 20 s outage within 5 s of the database coming back', async () => {
    const meetingId = await startedMeeting(people.dave, { e2ee: true });
    const members: TestParticipant[] = [];
    for (const person of ['dave', 'alice', 'bob', 'admin'] as const) {
      const member = await TestParticipant.create(people[person]);
      await member.connect(toWs(server.url));
      expect((await member.join(meetingId)).type).toBe('joined');
      members.push(member);
    }
    const [dave, alice, bob, leaver] = members as [
      TestParticipant,
      TestParticipant,
      TestParticipant,
      TestParticipant,
    ];
    const before = await converged(members, 1n, 30_000);
    await Promise.all(members.map((m) => m.settled()));
    expect(new Set(members.map((m) => m.roster.length))).toEqual(new Set([4]));
    const codeBefore = dave.securityCode;

    database.stop();
    const stoppedAt = Date.now();
    const leaverFramesBefore = leaver.socket.frames.length;
    leaver.leave();
    // Out of the relay at once, outage or not: the leaver's socket gets no media from here on.
    await sleep(500);
    dave.sendFrame(1);
    await sleep(500);
    expect(leaver.socket.frames.length).toBe(leaverFramesBefore);
    // An organizer's removal now is not "done": the database is away, and the answer says so.
    const removal = await people.dave.call(
      'POST',
      `/api/meetings/${meetingId}/participants/${bob.participantId}/remove`,
    );
    fails(removal, 503, 'UNAVAILABLE');
    expect(removal.headers.get('retry-after')).toBe('5');

    await sleep(OUTAGE_MS - (Date.now() - stoppedAt));
    database.start();
    const back = await readyAgain();

    // The leaver's Remove went through: the three others are one epoch on, without them.
    const rest = [dave, alice, bob];
    const after = await converged(rest, before + 1n, back + 5_000 - Date.now());
    expect(after).toBeGreaterThan(before);
    for (const member of rest) expect(member.roster).not.toContain(leaver.deviceId);
    expect(dave.securityCode).not.toBe(codeBefore);

    // The removal, asked again as Retry-After said, goes through and is committed as well.
    const retried = await people.dave.call(
      'POST',
      `/api/meetings/${meetingId}/participants/${bob.participantId}/remove`,
    );
    expect(retried.status, retried.text).toBe(200);
    const retriedAt = Date.now();
    await converged([dave, alice], after + 1n, 5_000);
    expect(Date.now() - retriedAt).toBeLessThan(5_000);
    expect(dave.roster).not.toContain(bob.deviceId);

    // The log says what waited and why, by code; never a bare "Error".
    const waited = log.filter((line) => line.includes('membership change waits for the database'));
    expect(waited.length).toBeGreaterThan(0);
    expect(waited.join('\n')).toMatch(/(57P01|ECONNREFUSED|ECONNRESET|connection-lost)/);
    expect(log.filter((line) => /room task failed/.test(line) && !/code/.test(line))).toEqual([]);
  }, 120_000);
});
