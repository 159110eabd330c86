// The lobby (governance.md §5), over the real signaling socket: a join to a meeting not started
// waits — told why, not refused, not audited as blocked — the organizer (and admins, nobody else)
// sees who waits, and the wait ends by itself: in the meeting when it starts, with "ended" when
// it is cancelled; a socket that closes stops waiting. Someone not invited waits to be let in:
// the organizer admits (recorded for the members, audited) or turns them away.
import { admissionListSchema, lobbySchema, meetingResponseSchema } from '@conclave/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok } from '../support/http.ts';
import { signLobbyAdmission } from './support/admissions.ts';
import {
  auditEntries,
  scheduledMeeting,
  startDeployment,
  startedMeeting,
  type Deployment,
  type DemoPerson,
} from './support/deployment.ts';
import { converged, TestParticipant } from './support/mls-client.ts';

let world: Deployment;

beforeAll(async () => {
  // No periodic second look: only the meeting's own changes may let anyone in here.
  world = await startDeployment({ lobbyRecheckMs: 0 });
});
afterAll(async () => {
  await world?.close();
});

async function participant(who: DemoPerson): Promise<TestParticipant> {
  const p = await TestParticipant.create(world.people[who]);
  await p.connect(world.wsUrl);
  return p;
}

async function waiting(meetingId: string, asker: DemoPerson = 'dave'): Promise<string[]> {
  const lobby = ok(
    await world.people[asker].call('GET', `/api/meetings/${meetingId}/lobby`),
    lobbySchema,
  );
  return lobby.waiting.map((w) => w.userId);
}

/** Who the members' authentication services may accept (organizer, invitees, let in). */
async function admitted(meetingId: string): Promise<string[]> {
  const list = ok(
    await world.people.dave.call('GET', `/api/directory/admissions/${meetingId}`),
    admissionListSchema,
  );
  return list.users.map((u) => u.userId);
}

async function untilWaiting(meetingId: string, expected: string[]): Promise<void> {
  for (let tries = 0; tries < 100; tries++) {
    if (JSON.stringify(await waiting(meetingId)) === JSON.stringify(expected)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(await waiting(meetingId)).toEqual(expected);
}

describe('the lobby of a meeting not started', () => {
  it('keeps joins waiting, shows them to the organizer, and lets them in when it starts', async () => {
    const meetingId = await scheduledMeeting(world.people.dave, true);
    const bob = await participant('bob');
    const alice = await participant('alice');
    for (const p of [bob, alice]) {
      const answer = await p.join(meetingId);
      expect(answer).toMatchObject({
        type: 'lobby',
        meetingId,
        reasons: [{ code: 'MEETING_NOT_STARTED', severity: 'info' }],
      });
      expect(answer.type === 'lobby' && answer.reasons[0]?.message).toMatch(
        /^Waiting for the organizer to start the meeting/,
      );
    }
    await untilWaiting(meetingId, [world.people.bob.userId, world.people.alice.userId]);
    // Waiting is not a refusal: nothing is audited as a blocked join.
    const blocked = await auditEntries(world.people.admin, 'join.blocked');
    expect(blocked.filter((e) => e.subject === `meeting:${meetingId}`)).toEqual([]);

    // Only the organizer and admins see who waits; an invitee is told why.
    expect(await waiting(meetingId, 'admin')).toHaveLength(2);
    const asked = await world.people.carol.call('GET', `/api/meetings/${meetingId}/lobby`);
    expect(asked.status).toBe(403);
    expect(JSON.stringify(asked.body)).toContain('Only the organizer or an admin');

    // The organizer starts it: both enter by themselves, with no new join from them.
    const dave = await participant('dave');
    ok(
      await world.people.dave.call('POST', `/api/meetings/${meetingId}/start`),
      meetingResponseSchema,
    );
    await bob.socket.waitFor('joined', (m) => m.meetingId === meetingId, { timeoutMs: 10_000 });
    await alice.socket.waitFor('joined', (m) => m.meetingId === meetingId, { timeoutMs: 10_000 });
    expect(await dave.join(meetingId)).toMatchObject({ type: 'joined' });
    await converged([bob, alice, dave], 2n, 30_000);
    expect(new Set([bob, alice, dave].map((p) => p.securityCode)).size).toBe(1);
    expect(await waiting(meetingId)).toEqual([]);
  });

  it('stops waiting when the socket closes, and says "ended" when the meeting is cancelled', async () => {
    const meetingId = await scheduledMeeting(world.people.dave, false);
    const bob = await participant('bob');
    const alice = await participant('alice');
    await bob.join(meetingId);
    await alice.join(meetingId);
    await untilWaiting(meetingId, [world.people.bob.userId, world.people.alice.userId]);
    bob.socket.close();
    await untilWaiting(meetingId, [world.people.alice.userId]);

    ok(
      await world.people.dave.call('POST', `/api/meetings/${meetingId}/end`),
      meetingResponseSchema,
    );
    const answer = await alice.socket.waitFor('join-blocked', (m) => m.meetingId === meetingId);
    expect(answer.reasons.map((r) => r.code)).toEqual(['MEETING_NOT_FOUND']);
    expect(answer.reasons[0]?.message).toMatch(/ended/);
    expect(await waiting(meetingId)).toEqual([]);
  });

  it('lets someone not invited in only when an organizer admits them, and turns away whom they deny', async () => {
    const { dave, alice, bob, carol } = world.people;
    const meetingId = await startedMeeting(dave, { e2ee: true, invitees: [alice.userId] });
    const members = [await participant('dave'), await participant('alice')];
    for (const m of members) expect(await m.join(meetingId)).toMatchObject({ type: 'joined' });
    await converged(members, 1n, 20_000);

    // Bob opens the link: he waits to be let in, and nobody's list names him yet.
    const bobP = await participant('bob');
    expect(await bobP.join(meetingId)).toMatchObject({
      type: 'lobby',
      reasons: [{ code: 'AWAITING_ADMISSION', severity: 'info' }],
    });
    const lobby = ok(await dave.call('GET', `/api/meetings/${meetingId}/lobby`), lobbySchema);
    expect(lobby.waiting).toMatchObject([{ userId: bob.userId, waitingFor: 'admission' }]);
    expect(await admitted(meetingId)).not.toContain(bob.userId);

    // Carol waits too.
    const carolP = await participant('carol');
    expect(await carolP.join(meetingId)).toMatchObject({ type: 'lobby' });

    // An invitee cannot let him in; the organizer does, and he enters by himself.
    const byAlice = await alice.call(
      'POST',
      `/api/meetings/${meetingId}/lobby/${bob.userId}/admit`,
    );
    expect(byAlice.status).toBe(403);
    // In an E2EE meeting a plain admit is not enough: the organizer's device signs the admission.
    const plain = await dave.call('POST', `/api/meetings/${meetingId}/lobby/${bob.userId}/admit`);
    expect(plain.status).toBe(409);
    expect(plain.body).toMatchObject({ error: { code: 'SIGNED_ADMISSION_REQUIRED' } });
    await signLobbyAdmission(dave, meetingId, [bob.userId]);
    await bobP.socket.waitFor('joined', (m) => m.meetingId === meetingId, { timeoutMs: 10_000 });
    const everyone = [...members, bobP];
    await converged(everyone, 2n, 30_000);
    expect(new Set(everyone.map((p) => p.securityCode)).size).toBe(1);
    expect(await admitted(meetingId)).toContain(bob.userId);
    const admissions = await auditEntries(world.people.admin, 'meeting.admitted');
    expect(
      admissions.find((e) => e.subject === `meeting:${meetingId}` && e.details.user === bob.userId),
    ).toMatchObject({ actor: { id: dave.userId }, details: { via: 'lobby' } });

    // Letting Bob in made Carol's join again: still waiting for the same, she is not told twice.
    expect(carolP.socket.all('lobby')).toHaveLength(1);
    // The organizer turns her away: she is told, and no longer waits.
    ok(
      await dave.call('POST', `/api/meetings/${meetingId}/lobby/${carol.userId}/deny`),
      lobbySchema,
    );
    const denied = await carolP.socket.waitFor('join-blocked', (m) => m.meetingId === meetingId);
    expect(denied.reasons.map((r) => r.code)).toEqual(['DENIED_BY_ORGANIZER']);
    expect(denied.reasons[0]?.message).toBe('The organizer did not let you into this meeting.');
    expect(await waiting(meetingId)).toEqual([]);
    expect(await admitted(meetingId)).not.toContain(carol.userId);
    const turnedAway = await auditEntries(world.people.admin, 'meeting.lobby.denied');
    expect(turnedAway.some((e) => e.subject === `meeting:${meetingId}`)).toBe(true);
  });

  it('refuses people not invited, without a lobby, when the meeting is for invited people only', async () => {
    const { dave, alice } = world.people;
    const reply = await dave.call('POST', '/api/meetings', {
      subject: 'Invited only',
      options: { endToEndEncryption: true, onlyInvited: true },
      invitees: [alice.userId],
    });
    const { meeting } = ok(reply, meetingResponseSchema, 201);
    const carolP = await participant('carol');
    const answer = await carolP.join(meeting.id);
    expect(answer).toMatchObject({ type: 'join-blocked', reasons: [{ code: 'NOT_INVITED' }] });
    expect(answer.type === 'join-blocked' && answer.reasons[0]?.message).toBe(
      'You are not invited to this meeting.',
    );
    // An invitee still waits for the start.
    expect(await (await participant('alice')).join(meeting.id)).toMatchObject({ type: 'lobby' });
  });

  it('is not open to people of other tenants or to unknown meetings', async () => {
    const asked = await world.people.dave.call('GET', '/api/meetings/no-such-meeting/lobby');
    expect(asked.status).toBe(404);
  });
});
