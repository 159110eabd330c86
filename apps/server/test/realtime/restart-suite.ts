// kill -9 in the middle of an E2EE meeting: the delivery service's state is in the database, so the
// restarted server resumes the group. Members reconnect with `join { resumeEpoch }`, one that
// missed a commit gets it (with the proposals it covers), nobody rekeys, and a new joiner is
// admitted into the same group. restart.test.ts runs it on SQLite, restart.pg.test.ts on PostgreSQL.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/index.ts';
import { fastPasswords, type TestDatabase } from '../support/databases.ts';
import { client } from '../support/http.ts';
import {
  signInAs,
  startedMeeting,
  testRealtime,
  toWs,
  type DemoPerson,
  type SignedIn,
} from './support/deployment.ts';
import { converged, TestParticipant } from './support/mls-client.ts';

const script = fileURLToPath(new URL('./support/server-process.ts', import.meta.url));

interface Started {
  url: string;
  demoSignIns: { email: string; password: string }[];
}

export function defineRestartSuite(name: string, database: () => TestDatabase): void {
  describe(`a restart in the middle of an E2EE meeting on ${name}`, () => {
    let db: TestDatabase;
    let child: ChildProcess | undefined;
    let restarted: RunningServer | undefined;

    beforeAll(() => {
      db = database();
    });
    afterAll(async () => {
      child?.kill('SIGKILL');
      await restarted?.close();
      await db?.drop();
    });

    async function spawnServer(): Promise<Started> {
      child = spawn(process.execPath, ['--import', 'tsx', script], {
        env: {
          ...process.env,
          CONCLAVE_TEST_DATA_DIR: db.location.dataDir,
          CONCLAVE_TEST_DATABASE_URL: db.location.databaseUrl ?? '',
          CONCLAVE_TEST_REALTIME: JSON.stringify(testRealtime),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const stdout = child.stdout;
      if (stdout === null) throw new Error('no stdout');
      for await (const line of createInterface({ input: stdout }))
        return JSON.parse(line) as Started;
      throw new Error('the server process exited before listening');
    }

    it('resumes the group from the database: missed commits delivered, no rekey, new joiners admitted', async () => {
      const first = await spawnServer();
      const people = {} as Record<DemoPerson, SignedIn>;
      for (const signIn of first.demoSignIns) {
        const person = signIn.email.split('@')[0] as DemoPerson;
        people[person] = await signInAs(first.url, person, signIn.password);
      }
      const meetingId = await startedMeeting(people.dave, { e2ee: true });
      const dave = await TestParticipant.create(people.dave);
      const alice = await TestParticipant.create(people.alice);
      const bob = await TestParticipant.create(people.bob);
      const admin = await TestParticipant.create(people.admin);
      const inGroup: TestParticipant[] = [];
      for (const p of [dave, alice, bob]) {
        await p.connect(toWs(first.url));
        await p.join(meetingId);
        inGroup.push(p);
        await converged(inGroup, BigInt(inGroup.length - 1));
      }
      expect(await converged([dave, alice, bob], 2n)).toBe(2n);

      // bob's connection drops; admin joins meanwhile: bob misses the commit of epoch 2.
      bob.socket.close();
      await admin.connect(toWs(first.url));
      await admin.join(meetingId);
      expect(await converged([dave, alice, admin], 3n)).toBe(3n);
      const codeBefore = dave.securityCode;

      child?.kill('SIGKILL');
      await Promise.all([dave, alice, admin].map((p) => p.socket.closed()));

      restarted = await startServer({
        port: 0,
        ...db.location,
        passwordCost: fastPasswords,
        log: () => undefined,
        realtime: testRealtime,
      });
      const url = toWs(restarted.url);
      for (const p of [dave, alice, admin, bob]) {
        await p.connect(url);
        expect(await p.join(meetingId, { resume: true })).toMatchObject({
          type: 'joined',
          mls: { role: 'resume' },
        });
      }
      // bob catches up on the commit he missed; nobody else moved: the same epoch, the same code.
      await bob.reachEpoch(3n);
      expect(await converged([dave, alice, admin, bob], 3n)).toBe(3n);
      expect(bob.securityCode).toBe(codeBefore);
      expect(dave.socket.all('commit-request')).toEqual([]);

      // The group goes on: a new device is admitted and everyone converges on it. The session
      // outlived the restart too (it is in the same database).
      const phone = await TestParticipant.create(
        { ...people.alice, call: client(restarted.url, people.alice.token) },
        'alice-phone',
      );
      await phone.connect(url);
      expect(await phone.join(meetingId)).toMatchObject({
        type: 'joined',
        mls: { role: 'await-welcome' },
      });
      const everyone = [dave, alice, admin, bob, phone];
      expect(await converged(everyone, 4n)).toBe(4n);
      expect(new Set(everyone.map((p) => p.securityCode)).size).toBe(1);
      expect(phone.roster).toHaveLength(5);
      for (const p of everyone) expect(p.problems, p.name).toEqual([]);
    });
  });
}
