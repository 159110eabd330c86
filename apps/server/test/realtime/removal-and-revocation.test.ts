// Removal and revoked rights over the real server, with real sockets and real MLS members
// (issue #4): a removed user stays out even after the room emptied, and their device that had
// just dropped loses its leaf along with the one removed; a signed-out session's sockets close at
// once (4401, `session_ended`) after their participant is told `signed-out` and its MLS Remove is
// proposed; a deleted user's sockets all close; an expired session is caught by the periodic
// check and by `join`; and when an admin's change means the rules no longer admit someone to an
// E2EE meeting, they are removed (`not-admitted`, with the reasons) while their socket stays up.
import { auditListSchema, userResponseSchema } from '@conclave/protocol';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/index.ts';
import { fastPasswords } from '../support/databases.ts';
import { ok, signIn } from '../support/http.ts';
import {
  signInAs,
  startedMeeting,
  testRealtime,
  toWs,
  type DemoPerson,
  type SignedIn,
} from './support/deployment.ts';
import { converged, TestParticipant } from './support/mls-client.ts';

/** A demo organization on a clock the test can move forward. */
interface World {
  readonly server: RunningServer;
  readonly wsUrl: string;
  readonly people: Record<DemoPerson, SignedIn>;
  readonly passwords: Record<DemoPerson, string>;
  skewMs: number;
  close(): Promise<void>;
}

async function startWorld(sessionCheckIntervalMs: number): Promise<World> {
  const dataDir = mkdtempSync(join(tmpdir(), 'conclave-revocation-'));
  const world = { skewMs: 0 } as World;
  const server = await startServer({
    port: 0,
    dataDir,
    demo: true,
    passwordCost: fastPasswords,
    log: () => undefined,
    now: () => Date.now() + world.skewMs,
    realtime: { ...testRealtime, sessionCheckIntervalMs },
  });
  const people = {} as Record<DemoPerson, SignedIn>;
  const passwords = {} as Record<DemoPerson, string>;
  for (const demo of server.demoSignIns ?? []) {
    const person = demo.email.split('@')[0] as DemoPerson;
    people[person] = await signInAs(server.url, person, demo.password);
    passwords[person] = demo.password;
  }
  return Object.assign(world, {
    server,
    wsUrl: toWs(server.url),
    people,
    passwords,
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

async function participant(world: World, session: SignedIn, name: string) {
  const p = await TestParticipant.create(session, name);
  await p.connect(world.wsUrl);
  return p;
}

/** Another session of a demo person (a second browser, say). */
async function secondSession(world: World, person: DemoPerson): Promise<SignedIn> {
  return signInAs(world.server.url, person, world.passwords[person]);
}

describe('revoked sessions and rights', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld(60_000);
  });
  afterAll(async () => {
    await world?.close();
  });

  it('signing out closes that session’s sockets (4401 session_ended) after removing its participant; the user’s other session stays', async () => {
    const { dave } = world.people;
    const meetingId = await startedMeeting(dave, { e2ee: true });
    const organizer = await participant(world, dave, 'dave');
    await organizer.join(meetingId);
    await organizer.reachEpoch(0n);
    const aliceHere = await participant(world, world.people.alice, 'alice-here');
    const aliceThere = await participant(world, await secondSession(world, 'alice'), 'alice-there');
    await aliceHere.join(meetingId);
    await aliceThere.join(meetingId);
    const before = await converged([organizer, aliceHere, aliceThere], 1n);

    const signedOut = await world.people.alice.call('POST', '/api/auth/sign-out');
    expect(signedOut.status).toBe(200);
    const removed = await aliceHere.socket.waitFor('removed');
    expect(removed.reason).toBe('signed-out');
    expect(await aliceHere.socket.closed()).toBe(4401);
    expect(aliceHere.socket.all('error').map((e) => e.code)).toEqual(['session_ended']);
    // The server proposed the Remove of that leaf, and the group went on without it.
    const remove = await organizer.socket.waitFor('proposal', (p) => p.kind === 'remove');
    expect(remove.participantId).toBe(aliceHere.participantId);
    expect(await converged([organizer, aliceThere], before + 1n)).toBe(before + 1n);
    expect(organizer.roster).toEqual([organizer.deviceId, aliceThere.deviceId].sort());
    expect(aliceThere.socket.open).toBe(true);
    expect(aliceThere.socket.all('removed')).toEqual([]);
    aliceThere.leave();
    organizer.leave();
  });

  it('deleting a user closes every socket of theirs, in a meeting or not', async () => {
    const { admin, dave } = world.people;
    const created = ok(
      await admin.call('POST', '/api/admin/users', {
        email: 'leaving@demo.conclave.local',
        displayName: 'Leaving soon',
        password: 'leaving-password-1',
        mustChangePassword: false,
      }),
      userResponseSchema,
      201,
    );
    const session = await signIn(
      world.server.url,
      'leaving@demo.conclave.local',
      'leaving-password-1',
    );
    // Not a demo person: `person` only names its test devices.
    const leaving: SignedIn = { ...session, person: 'bob', tenantId: dave.tenantId };
    const meetingId = await startedMeeting(dave, { e2ee: false });
    const organizer = await participant(world, dave, 'dave');
    await organizer.join(meetingId);
    const inMeeting = await participant(world, leaving, 'in-meeting');
    await inMeeting.join(meetingId);
    const idle = await participant(world, leaving, 'idle');
    await organizer.socket.waitFor('participant-joined');

    expect((await admin.call('DELETE', `/api/admin/users/${created.user.id}`)).status).toBe(200);
    expect((await inMeeting.socket.waitFor('removed')).reason).toBe('signed-out');
    expect(await inMeeting.socket.closed()).toBe(4401);
    expect(await idle.socket.closed()).toBe(4401);
    const left = await organizer.socket.waitFor('participant-left');
    expect(left.participantId).toBe(inMeeting.participantId);
    expect(organizer.socket.open).toBe(true);
    organizer.leave();
  });

  it('disabling a user closes every socket of theirs at once; they cannot sign in until enabled', async () => {
    const { admin, dave } = world.people;
    const email = 'pausing@demo.conclave.local';
    const password = 'pausing-password-1';
    const created = ok(
      await admin.call('POST', '/api/admin/users', {
        email,
        displayName: 'Paused for a while',
        password,
        mustChangePassword: false,
      }),
      userResponseSchema,
      201,
    );
    const session = await signIn(world.server.url, email, password);
    const pausing: SignedIn = { ...session, person: 'bob', tenantId: dave.tenantId };
    const meetingId = await startedMeeting(dave, { e2ee: false });
    const organizer = await participant(world, dave, 'dave');
    await organizer.join(meetingId);
    const inMeeting = await participant(world, pausing, 'paused-in-meeting');
    await inMeeting.join(meetingId);
    const idle = await participant(world, pausing, 'paused-idle');
    await organizer.socket.waitFor('participant-joined');

    const disabled = ok(
      await admin.call('POST', `/api/admin/users/${created.user.id}/disable`),
      userResponseSchema,
    );
    expect(disabled.user.disabled).toBe(true);
    expect((await inMeeting.socket.waitFor('removed')).reason).toBe('signed-out');
    expect(await inMeeting.socket.closed()).toBe(4401);
    expect(await idle.socket.closed()).toBe(4401);
    expect((await session.call('GET', '/api/me')).status).toBe(401);
    const refused = await fetch(`${world.server.url}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
      'ACCOUNT_DISABLED',
    );
    expect(organizer.socket.open).toBe(true);

    ok(await admin.call('POST', `/api/admin/users/${created.user.id}/enable`), userResponseSchema);
    const again = await signIn(world.server.url, email, password);
    expect((await again.call('GET', '/api/me')).status).toBe(200);
    organizer.leave();
  });

  it('removing a user also proposes the Remove of their device whose socket just dropped', async () => {
    const { dave } = world.people;
    const bob = await secondSession(world, 'bob');
    const meetingId = await startedMeeting(dave, { e2ee: true });
    const organizer = await participant(world, dave, 'dave');
    await organizer.join(meetingId);
    await organizer.reachEpoch(0n);
    const laptop = await participant(world, bob, 'bob-laptop');
    const phone = await participant(world, bob, 'bob-phone');
    await laptop.join(meetingId);
    await phone.join(meetingId);
    const before = await converged([organizer, laptop, phone], 1n);
    phone.socket.close(); // the phone's network drops: its leaf waits for it to resume
    await organizer.socket.waitFor(
      'participant-left',
      (m) => m.participantId === phone.participantId,
    );

    const answer = await dave.call(
      'POST',
      `/api/meetings/${meetingId}/participants/${laptop.participantId}/remove`,
    );
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body).toEqual({ removed: [laptop.participantId] });
    expect((await laptop.socket.waitFor('removed')).reason).toBe('removed-by-organizer');
    // Both leaves go in one epoch, without waiting for the phone's grace time to run out.
    expect(await converged([organizer], before + 1n, 5_000)).toBe(before + 1n);
    expect(organizer.roster).toEqual([organizer.deviceId]);
    const removes = organizer.socket.all('proposal').filter((p) => p.kind === 'remove');
    expect(removes.map((p) => p.participantId).sort()).toEqual(
      [laptop.participantId, phone.participantId].sort(),
    );
    organizer.leave();
  });

  it('a removal outlives the room: after everyone left, a new room still refuses the removed user', async () => {
    const { dave } = world.people;
    const meetingId = await startedMeeting(dave, { e2ee: false });
    const organizer = await participant(world, dave, 'dave');
    await organizer.join(meetingId);
    const bob = await participant(world, await secondSession(world, 'bob'), 'bob');
    await bob.join(meetingId);
    const answer = await dave.call(
      'POST',
      `/api/meetings/${meetingId}/participants/${bob.participantId}/remove`,
    );
    expect(answer.status, answer.text).toBe(200);
    expect((await bob.socket.waitFor('removed')).reason).toBe('removed-by-organizer');
    organizer.leave();
    await organizer.socket.waitFor('removed', (m) => m.reason === 'left');
    const roster = await dave.call('GET', `/api/meetings/${meetingId}/participants`);
    expect(roster.body).toMatchObject({ participants: [] });

    const again = await bob.join(meetingId);
    expect(again).toMatchObject({
      type: 'join-blocked',
      reasons: [{ code: 'REMOVED_BY_ORGANIZER' }],
    });
    // The organizer comes back to a room that has the removal too, and can still get in.
    expect(await organizer.join(meetingId)).toMatchObject({ type: 'joined' });
    organizer.leave();
  });

  it('when an admin’s change means the rules no longer admit someone, they are removed with the reasons and their socket stays up', async () => {
    const { admin, dave, bob } = world.people;
    // A session of her own: the first test signed one of alice's out.
    const alice = await secondSession(world, 'alice');
    const meetingId = await startedMeeting(dave, { e2ee: true });
    const organizer = await participant(world, dave, 'dave');
    await organizer.join(meetingId);
    await organizer.reachEpoch(0n);
    const a = await participant(world, alice, 'alice');
    const b = await participant(world, bob, 'bob');
    await a.join(meetingId);
    await b.join(meetingId);
    const before = await converged([organizer, a, b], 1n);

    // Alice joins the legal group, which is under compliance recording (governance §5.1).
    const added = await admin.call('POST', '/api/admin/groups/legal/members', {
      userId: alice.userId,
    });
    expect(added.status, added.text).toBeLessThan(300);
    const removed = await a.socket.waitFor('removed');
    expect(removed.reason).toBe('not-admitted');
    expect(removed.reasons?.map((r) => r.code)).toEqual(['COMPLIANCE_RECORDING_BLOCKS_E2EE']);
    expect(await converged([organizer, b], before + 1n)).toBe(before + 1n);
    expect(organizer.roster).toEqual([organizer.deviceId, b.deviceId].sort());
    expect(a.socket.open).toBe(true);
    // Joining again is refused for the same reason.
    const again = await a.join(meetingId);
    expect(again).toMatchObject({
      type: 'join-blocked',
      reasons: [{ code: 'COMPLIANCE_RECORDING_BLOCKS_E2EE' }],
    });

    const audit = ok(
      await admin.call('GET', '/api/admin/audit?kind=meeting.participant.removed&limit=50'),
      auditListSchema,
    ).entries.filter((e) => e.subject === `meeting:${meetingId}`);
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actor?.id).toBe(admin.userId);
    expect(audit[0]?.details).toMatchObject({
      user: { id: alice.userId },
      reason: 'not-admitted',
      codes: ['COMPLIANCE_RECORDING_BLOCKS_E2EE'],
    });
    await admin.call('DELETE', `/api/admin/groups/legal/members/${alice.userId}`);
    b.leave();
    organizer.leave();
  });
});

describe('expired sessions', () => {
  it('the periodic check closes a socket whose session expired, and removes its participant', async () => {
    const world = await startWorld(100);
    try {
      const { dave, bob } = world.people;
      const meetingId = await startedMeeting(dave, { e2ee: false });
      const organizer = await participant(world, dave, 'dave');
      await organizer.join(meetingId);
      const b = await participant(world, bob, 'bob');
      await b.join(meetingId);
      await organizer.socket.waitFor('participant-joined');
      // Still fine after a few checks.
      await new Promise((resolve) => setTimeout(resolve, 350));
      expect(b.socket.open).toBe(true);

      world.skewMs = 13 * 60 * 60 * 1000; // past the 12-hour session lifetime
      expect((await b.socket.waitFor('removed')).reason).toBe('signed-out');
      expect(await b.socket.closed()).toBe(4401);
      expect(await organizer.socket.closed()).toBe(4401);
    } finally {
      await world.close();
    }
  });

  it('with the periodic check off, the next join finds the session expired', async () => {
    const world = await startWorld(0);
    try {
      const { dave } = world.people;
      const meetingId = await startedMeeting(dave, { e2ee: false });
      const organizer = await participant(world, dave, 'dave');
      world.skewMs = 13 * 60 * 60 * 1000;
      organizer.socket.send({ type: 'join', meetingId });
      expect(await organizer.socket.closed()).toBe(4401);
      expect(organizer.socket.all('error').map((e) => e.code)).toEqual(['session_ended']);
      expect(organizer.socket.all('joined')).toEqual([]);
    } finally {
      await world.close();
    }
  });
});
