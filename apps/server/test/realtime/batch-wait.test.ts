// How long proposals waited before a commit was asked for: the batch's wait (said to the
// committer) — a Remove's starts when the room took the participant out, the removal cut-off's
// first part — and each joiner's own, from its own Add's arrival (said with the Welcome).
import { describe, expect, it } from 'vitest';
import { BatchWaitClock } from '../../src/realtime/mls/batch-wait.ts';
import { FakeClock } from './support/fake-clock.ts';

/** A joiner's Add arrives, as the delivery service records it: its own wait and the batch's. */
function arrives(wait: BatchWaitClock, participantId: string): void {
  wait.arrived(participantId);
  wait.started();
}

describe('the batching wait', () => {
  it('counts from the first proposal, or from an earlier departure it stands for', () => {
    const clock = new FakeClock();
    const wait = new BatchWaitClock(clock);
    const tookOut = clock.now();
    clock.advance(30); // the departure's records were stored meanwhile
    wait.started(tookOut);
    clock.advance(50);
    wait.started(); // a later proposal joins the batch: the clock does not start over
    clock.advance(20);
    expect(wait.take([], []).batch).toEqual({ waitedMs: 100, blockedMs: 0 });
    // A time in the future (a wrong clock) never makes the wait shorter than now.
    wait.started(clock.now() + 1_000);
    clock.advance(10);
    wait.blocked();
    clock.advance(15);
    expect(wait.take([], []).batch).toEqual({ waitedMs: 25, blockedMs: 15 });
    expect(wait.take([], []).batch).toBeUndefined();
  });

  it('gives each joiner of a batch its own wait, from its own arrival', () => {
    const clock = new FakeClock();
    const wait = new BatchWaitClock(clock);
    arrives(wait, 'early');
    clock.advance(300);
    arrives(wait, 'late');
    clock.advance(250); // the quiet window after the last arrival
    const waits = wait.take(['early', 'late'], ['early', 'late']);
    expect(waits.batch).toEqual({ waitedMs: 550, blockedMs: 0 });
    expect(Object.fromEntries(waits.joiners)).toEqual({
      early: { waitedMs: 550, blockedMs: 0 },
      late: { waitedMs: 250, blockedMs: 0 },
    });
  });

  it('counts as blocked only the time since the batch was ready, or since a later arrival', () => {
    const clock = new FakeClock();
    const wait = new BatchWaitClock(clock);
    // A commit is in flight: the first joiner's batch is ready after its window, then blocked.
    arrives(wait, 'first');
    clock.advance(50);
    wait.blocked();
    clock.advance(100);
    arrives(wait, 'second'); // arrives while the batch is blocked: all its wait is blocked
    clock.advance(50);
    wait.blocked(); // its window ends: still blocked since the first
    clock.advance(200); // the commit comes; the next request covers both
    const waits = wait.take(['first', 'second'], ['first', 'second']);
    expect(waits.batch).toEqual({ waitedMs: 400, blockedMs: 350 });
    expect(Object.fromEntries(waits.joiners)).toEqual({
      first: { waitedMs: 400, blockedMs: 350 },
      second: { waitedMs: 250, blockedMs: 250 },
    });
  });

  it('charges a joiner asked for again its whole wait, and forgets those no longer waiting', () => {
    const clock = new FakeClock();
    const wait = new BatchWaitClock(clock);
    arrives(wait, 'left-out');
    arrives(wait, 'admitted');
    clock.advance(100);
    wait.take(['left-out', 'admitted'], ['left-out', 'admitted']);
    // The commit admitted one and left the other out; a new joiner comes; the next batch is
    // blocked 40 ms behind the commit in flight.
    clock.advance(500);
    arrives(wait, 'newcomer');
    clock.advance(60);
    wait.blocked();
    clock.advance(40);
    const waits = wait.take(['left-out', 'newcomer'], ['left-out', 'newcomer']);
    expect(Object.fromEntries(waits.joiners)).toEqual({
      'left-out': { waitedMs: 700, blockedMs: 40 },
      newcomer: { waitedMs: 100, blockedMs: 40 },
    });
    // The admitted joiner's arrival is gone: asked for again, it has no wait to say.
    expect(wait.take(['admitted'], ['admitted']).joiners.size).toBe(0);
  });

  it('asked again after nobody could be asked: each joiner’s wait to now, none of it blocked', () => {
    const clock = new FakeClock();
    const wait = new BatchWaitClock(clock);
    arrives(wait, 'joiner');
    clock.advance(50);
    wait.take(['joiner'], ['joiner']); // no member connected: the request reached nobody
    arrives(wait, 'unsent'); // a proposal of the next batch: its clock is not taken
    clock.advance(2_000);
    const again = wait.askedAgain(['joiner']);
    expect(again.batch).toBeUndefined();
    expect(Object.fromEntries(again.joiners)).toEqual({
      joiner: { waitedMs: 2_050, blockedMs: 0 },
    });
    expect(wait.take([], ['unsent']).batch).toEqual({ waitedMs: 2_000, blockedMs: 0 });
  });
});
