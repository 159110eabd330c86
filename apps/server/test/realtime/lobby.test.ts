// The lobby before a meeting starts (governance.md §5), over the real signaling socket: a join
// to a meeting not started waits — told why, not refused, not audited as blocked — the organizer
// (and admins, nobody else) sees who waits, and the wait ends by itself: in the meeting when it
// starts, with "ended" when it is cancelled; a socket that closes stops waiting.
import { lobbySchema, meetingResponseSchema } from '@conclave/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok } from '../support/http.ts';
import {
  auditEntries,
  scheduledMeeting,
  startDeployment,
  type Deployment,
  type DemoPerson,
} from './support/deployment.ts';
import { converged, TestParticipant } from './support/mls-client.ts';

let world: Deployment;

beforeAll(async () => {
  world = await startDeployment();
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

    // Only the organizer and admins see who waits; someone not invited learns nothing.
    expect(await waiting(meetingId, 'admin')).toHaveLength(2);
    const asked = await world.people.carol.call('GET', `/api/meetings/${meetingId}/lobby`);
    expect(asked.status).toBe(404);

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

  it('is not open to people of other tenants or to unknown meetings', async () => {
    const asked = await world.people.dave.call('GET', '/api/meetings/no-such-meeting/lobby');
    expect(asked.status).toBe(404);
  });
});
