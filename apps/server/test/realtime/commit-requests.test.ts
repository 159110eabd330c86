// Who is asked to commit, and for how long: the next member is asked when one lets its time pass,
// each with twice the time of the one before (up to 8×), so a storm where every member is slow
// does not have them all build the same commit.
import { describe, expect, it } from 'vitest';
import {
  CommitRequests,
  type CommitRequestDeps,
  type CommitterCandidate,
} from '../../src/realtime/mls/commit-requests.ts';
import type { ServerMessage } from '../../src/realtime/signaling.ts';
import { FakeClock } from './support/fake-clock.ts';

/** Members at the current epoch, in leaf order. */
const atEpoch = (ids: string[]): CommitterCandidate[] =>
  ids.map((id, leafIndex) => ({
    participantId: id,
    leafIndex,
    confirmed: true,
    atCurrentEpoch: true,
  }));

/** Requests for meeting m-1 with a 1 s first time-out, on `clock`; `deps` says the rest. */
function requestsOn(
  clock: FakeClock,
  deps: Pick<CommitRequestDeps, 'send' | 'candidates'> & Partial<CommitRequestDeps>,
): CommitRequests {
  return new CommitRequests({
    meetingId: 'm-1',
    timeoutMs: 1_000,
    timeoutPerProposalMs: 0,
    clock,
    enqueue: (task) => task(),
    timedOut: () => undefined,
    ...deps,
  });
}

describe('commit requests', () => {
  it('passes the request on with a doubling time-out, capped, and back to the first after everyone', () => {
    const clock = new FakeClock();
    const asked: { to: string; at: number }[] = [];
    const timedOut: bigint[] = [];
    const start = clock.now();
    const requests = requestsOn(clock, {
      send: (to: string, _message: ServerMessage) =>
        void asked.push({ to, at: clock.now() - start }),
      candidates: () => atEpoch(['a', 'b', 'c', 'd', 'e']),
      timedOut: (epoch) => void timedOut.push(epoch),
    });
    requests.request(4n, 'proposals', 0);
    clock.advance(40_000);
    expect(asked.slice(0, 6)).toEqual([
      { to: 'a', at: 0 },
      { to: 'b', at: 1_000 },
      { to: 'c', at: 3_000 },
      { to: 'd', at: 7_000 },
      { to: 'e', at: 15_000 },
      { to: 'a', at: 23_000 },
    ]);
    expect(timedOut.every((e) => e === 4n)).toBe(true);
    // Everyone asked may still commit what they were asked.
    for (const id of ['a', 'b', 'c', 'd', 'e']) expect(requests.asked(id, 4n)).toBe(true);
    requests.clear();
    const before = asked.length;
    clock.advance(60_000);
    expect(asked).toHaveLength(before);
  });

  it('keeps the waits it was asked with for the commit that answers it, whoever commits', () => {
    const clock = new FakeClock();
    const sent: ServerMessage[] = [];
    const requests = requestsOn(clock, {
      send: (_to: string, message: ServerMessage) => void sent.push(message),
      candidates: () => atEpoch(['a', 'b']),
    });
    const joiners = new Map([
      ['early', { waitedMs: 900, blockedMs: 300 }],
      ['late', { waitedMs: 200, blockedMs: 0 }],
    ]);
    requests.request(7n, 'proposals', 2, { batch: { waitedMs: 900, blockedMs: 300 }, joiners });
    // The first member lets its time pass: the next is asked with the same waits — the time a
    // committer took is not the batch's.
    clock.advance(1_000);
    expect(sent.map((m) => (m.type === 'commit-request' ? m.waitedMs : undefined))).toEqual([
      900, 900,
    ]);
    expect(requests.joinerWaits(7n)).toEqual(joiners);
    // Another epoch's commit, or none in flight, has no joiners' waits to say.
    expect(requests.joinerWaits(8n).size).toBe(0);
    requests.clear();
    expect(requests.joinerWaits(7n).size).toBe(0);
  });

  it('asks members at the current epoch first, then those that follow the group, then the rest', () => {
    const clock = new FakeClock();
    const asked: string[] = [];
    const requests = requestsOn(clock, {
      send: (to: string) => void asked.push(to),
      // Leaf order is not the order asked: a and b are still busy with the last commit.
      candidates: () => [
        { participantId: 'new', leafIndex: 0, confirmed: false, atCurrentEpoch: false },
        { participantId: 'a', leafIndex: 1, confirmed: true, atCurrentEpoch: false },
        { participantId: 'b', leafIndex: 2, confirmed: true, atCurrentEpoch: false },
        { participantId: 'd', leafIndex: 4, confirmed: true, atCurrentEpoch: true },
        { participantId: 'c', leafIndex: 3, confirmed: true, atCurrentEpoch: true },
      ],
    });
    requests.request(9n, 'update');
    clock.advance(1_000 + 2_000 + 4_000 + 8_000);
    expect(asked).toEqual(['c', 'd', 'a', 'b', 'new']);
  });
});
