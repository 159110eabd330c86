// The periodic update counts its interval from the moment every connected member reached the
// current epoch — at most two intervals from the commit — so a rotation neither piles onto members
// still processing the last commit nor follows their arrival at once, and a member who never
// confirms delays rotation but cannot stop it.
import { describe, expect, it } from 'vitest';
import { GroupTimers } from '../../src/realtime/mls/group-timers.ts';
import { PeriodicUpdate } from '../../src/realtime/mls/periodic-update.ts';
import { FakeClock } from './support/fake-clock.ts';

const INTERVAL = 60_000;

function schedule() {
  const clock = new FakeClock();
  const started = clock.now();
  const timers = new GroupTimers(
    clock,
    { batchWindowMs: 0, maxBatchDelayMs: 0, updateIntervalMs: INTERVAL, reconnectGraceMs: 0 },
    (task) => void task(),
  );
  const state = { confirmed: true, dueAt: [] as number[] };
  const update = new PeriodicUpdate({
    timers,
    confirmed: () => state.confirmed,
    due: () => {
      state.dueAt.push(clock.now() - started);
      return Promise.resolve();
    },
  });
  return { clock, update, state };
}

/** Lets the due callback's promise settle (the room's queue runs it as a task). */
const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('the periodic update', () => {
  it('is due an interval after the last commit when everyone holds the epoch, and again after that', async () => {
    const { clock, update, state } = schedule();
    update.restart();
    clock.advance(INTERVAL - 1);
    expect(state.dueAt).toEqual([]);
    clock.advance(1);
    await settled();
    clock.advance(INTERVAL);
    await settled();
    expect(state.dueAt).toEqual([INTERVAL, 2 * INTERVAL]);
  });

  it('counts the interval from the confirmation, not the commit', async () => {
    const { clock, update, state } = schedule();
    state.confirmed = false;
    update.restart();
    clock.advance(20_000);
    state.confirmed = true;
    update.epochConfirmed();
    // Not an interval after the commit, and not the moment the last member arrived.
    clock.advance(INTERVAL - 1);
    await settled();
    expect(state.dueAt).toEqual([]);
    clock.advance(1);
    await settled();
    expect(state.dueAt).toEqual([INTERVAL + 20_000]);
  });

  it('goes at the bound, two intervals after the commit, however late the confirmation', async () => {
    const { clock, update, state } = schedule();
    state.confirmed = false;
    update.restart();
    clock.advance(1.5 * INTERVAL);
    state.confirmed = true;
    update.epochConfirmed();
    clock.advance(INTERVAL / 2);
    await settled();
    expect(state.dueAt).toEqual([2 * INTERVAL]);
  });

  it('goes at the bound if the epoch is never confirmed', async () => {
    const { clock, update, state } = schedule();
    state.confirmed = false;
    update.restart();
    clock.advance(2 * INTERVAL - 1);
    expect(state.dueAt).toEqual([]);
    clock.advance(1);
    await settled();
    expect(state.dueAt).toEqual([2 * INTERVAL]);
  });

  it('a commit starts the countdown again, and the epoch is confirmed once per countdown', async () => {
    const { clock, update, state } = schedule();
    state.confirmed = false;
    update.restart();
    clock.advance(INTERVAL / 2);
    update.restart(); // the group committed
    clock.advance(INTERVAL / 4);
    update.epochConfirmed();
    clock.advance(INTERVAL / 4);
    update.epochConfirmed(); // said again (no new epoch): the countdown does not move
    clock.advance(0.75 * INTERVAL - 1);
    await settled();
    expect(state.dueAt).toEqual([]);
    clock.advance(1);
    await settled();
    expect(state.dueAt).toEqual([1.75 * INTERVAL]);
  });

  it('stops, and once closed never starts again', async () => {
    const { clock, update, state } = schedule();
    update.restart();
    update.stop();
    update.epochConfirmed(); // no countdown to move
    expect(clock.pending).toBe(0);
    clock.advance(3 * INTERVAL);
    expect(state.dueAt).toEqual([]);
    update.restart(); // founded again after a stop
    clock.advance(INTERVAL);
    await settled();
    expect(state.dueAt).toEqual([4 * INTERVAL]);
    update.close();
    update.restart();
    clock.advance(5 * INTERVAL);
    await settled();
    expect(state.dueAt).toEqual([4 * INTERVAL]);
    expect(clock.pending).toBe(0);
  });
});
