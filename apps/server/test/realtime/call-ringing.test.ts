// 1:1 calls ring, over the real signaling socket (docs/meeting-flow.md "1:1 calls"): the callee's
// socket — in no meeting — is told at once; the callee accepts or declines, the caller cancels,
// or nobody answers before the (here shortened) deadline and both are told it was missed. Only
// the callee answers, only the caller cancels; a third user neither sees the call nor acts on it
// nor hears it ring. Every change is stored, readable on the call and audited.
import { callSummaryResponseSchema } from '@conclave/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fails, ok } from '../support/http.ts';
import {
  auditEntries,
  placeCall,
  startDeployment,
  type Deployment,
  type DemoPerson,
} from './support/deployment.ts';
import { TestParticipant } from './support/mls-client.ts';
import type { SignalingSocket } from './support/socket.ts';

const RING_MS = 1_500;
let world: Deployment;
const sockets = {} as Record<'alice' | 'bob' | 'carol', SignalingSocket>;

beforeAll(async () => {
  world = await startDeployment({}, { callRingMs: RING_MS });
  for (const who of ['alice', 'bob', 'carol'] as const) {
    const participant = await TestParticipant.create(world.people[who]);
    await participant.connect(world.wsUrl);
    sockets[who] = participant.socket;
  }
});
afterAll(async () => {
  await world?.close();
});

const act = (who: DemoPerson, callId: string, action: string) =>
  world.people[who].call('POST', `/api/calls/${callId}/${action}`);
const read = async (who: DemoPerson, callId: string) =>
  ok(await world.people[who].call('GET', `/api/calls/${callId}`), callSummaryResponseSchema).call;

/** Alice calls Bob; Bob's socket rings. Returns the call id and where each socket's log stood. */
async function aliceCallsBob(): Promise<{
  id: string;
  from: Record<'alice' | 'bob' | 'carol', number>;
}> {
  const from = {
    alice: sockets.alice.received.length,
    bob: sockets.bob.received.length,
    carol: sockets.carol.received.length,
  };
  const { id } = await placeCall(world.people.alice, world.people.bob.userId);
  const ringing = await sockets.bob.waitFor('call-ringing', (m) => m.callId === id, {
    from: from.bob,
  });
  expect(ringing).toMatchObject({
    callId: id,
    caller: { id: world.people.alice.userId, displayName: 'Alice Finance' },
    endToEndEncryption: { enabled: false },
  });
  expect(ringing.reasons.map((r) => r.code)).toContain('CALL_E2EE_DISABLED_BY_POLICY');
  expect((await read('bob', id)).state).toBe('ringing');
  return { id, from };
}

describe('a 1:1 call rings the callee', () => {
  it('is accepted by the callee: the caller is told, then either side ends it', async () => {
    const { id, from } = await aliceCallsBob();
    fails(await act('alice', id, 'accept'), 403, 'FORBIDDEN');
    const accepted = ok(await act('bob', id, 'accept'), callSummaryResponseSchema).call;
    expect(accepted).toMatchObject({ state: 'accepted', endedAt: null, direction: 'incoming' });
    expect(accepted.answeredAt).not.toBeNull();
    await sockets.alice.waitFor('call-accepted', (m) => m.callId === id, { from: from.alice });
    // Bob's other devices stop ringing too.
    await sockets.bob.waitFor('call-accepted', (m) => m.callId === id, { from: from.bob });
    fails(await act('bob', id, 'accept'), 409, 'CONFLICT');

    const ended = ok(await act('alice', id, 'end'), callSummaryResponseSchema).call;
    expect(ended.state).toBe('ended');
    expect(ended.endedAt).not.toBeNull();
    await sockets.bob.waitFor('call-ended', (m) => m.callId === id, { from: from.bob });
    expect((await read('bob', id)).state).toBe('ended');

    const audited = await auditEntries(world.people.admin, 'call.accepted');
    expect(audited.map((e) => e.subject)).toContain(`call:${id}`);
    expect(audited.find((e) => e.subject === `call:${id}`)?.actor?.id).toBe(
      world.people.bob.userId,
    );
    // Carol heard nothing of it.
    expect(sockets.carol.received.slice(from.carol).some((m) => m.type.startsWith('call-'))).toBe(
      false,
    );
  });

  it('is declined by the callee: the caller is told, and it can no longer be accepted', async () => {
    const { id, from } = await aliceCallsBob();
    fails(await act('alice', id, 'decline'), 403, 'FORBIDDEN');
    expect(ok(await act('bob', id, 'decline'), callSummaryResponseSchema).call.state).toBe(
      'declined',
    );
    await sockets.alice.waitFor('call-declined', (m) => m.callId === id, { from: from.alice });
    // A call that is over cannot be joined, like an ended meeting.
    const caller = await TestParticipant.create(world.people.alice, 'alice-late');
    await caller.connect(world.wsUrl);
    expect(await caller.join(id)).toMatchObject({
      type: 'join-blocked',
      reasons: [{ code: 'MEETING_NOT_FOUND' }],
    });
    caller.socket.ws.close();
    const late = fails(await act('bob', id, 'accept'), 409, 'CONFLICT');
    expect(late.message).toBe('The call was declined; it cannot be accepted now.');
    expect((await auditEntries(world.people.admin, 'call.declined')).length).toBeGreaterThan(0);
  });

  it('is cancelled by the caller only: the callee stops ringing', async () => {
    const { id, from } = await aliceCallsBob();
    fails(await act('bob', id, 'cancel'), 403, 'FORBIDDEN');
    expect(ok(await act('alice', id, 'cancel'), callSummaryResponseSchema).call.state).toBe(
      'cancelled',
    );
    await sockets.bob.waitFor('call-cancelled', (m) => m.callId === id, { from: from.bob });
    fails(await act('bob', id, 'accept'), 409, 'CONFLICT');
  });

  it('is missed when nobody answers before the deadline: both sides are told', async () => {
    const { id, from } = await aliceCallsBob();
    const missed = { from: from.alice, timeoutMs: RING_MS + 5_000 };
    await sockets.alice.waitFor('call-missed', (m) => m.callId === id, missed);
    await sockets.bob.waitFor('call-missed', (m) => m.callId === id, { ...missed, from: from.bob });
    const call = await read('alice', id);
    expect(call.state).toBe('missed');
    expect(call.endedAt).toBe(call.ringDeadline);
    fails(await act('bob', id, 'accept'), 409, 'CONFLICT');
    const audited = await auditEntries(world.people.admin, 'call.missed');
    expect(audited.find((e) => e.subject === `call:${id}`)?.actor).toBeNull();
  });

  it('is not seen nor acted on by a third user, and bad ids are clear errors', async () => {
    const { id } = await aliceCallsBob();
    fails(await world.people.carol.call('GET', `/api/calls/${id}`), 404, 'NOT_FOUND');
    for (const action of ['accept', 'decline', 'cancel', 'end']) {
      fails(await act('carol', id, action), 404, 'NOT_FOUND');
      fails(await act('admin', id, action), 404, 'NOT_FOUND');
    }
    fails(await act('bob', 'no-such-call', 'accept'), 404, 'NOT_FOUND');
    fails(await act('bob', id, 'answer'), 404, 'NOT_FOUND');
    expect((await read('bob', id)).state).toBe('ringing');
    ok(await act('alice', id, 'cancel'), callSummaryResponseSchema);
  });
});
