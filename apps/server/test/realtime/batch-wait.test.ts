// How long a batch of proposals waited before a commit was asked for (said to the committer): a
// Remove's wait starts when the room took the participant out, the removal cut-off's first part.
import { describe, expect, it } from 'vitest';
import { BatchWaitClock } from '../../src/realtime/mls/batch-wait.ts';
import { FakeClock } from './support/fake-clock.ts';

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
    expect(wait.take()).toEqual({ waitedMs: 100, blockedMs: 0 });
    // A time in the future (a wrong clock) never makes the wait shorter than now.
    wait.started(clock.now() + 1_000);
    clock.advance(10);
    wait.blocked();
    clock.advance(15);
    expect(wait.take()).toEqual({ waitedMs: 25, blockedMs: 15 });
    expect(wait.take()).toBeUndefined();
  });
});
