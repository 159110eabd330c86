// The periodic update waits for the current epoch's confirmation — at most one more interval — so
// a rotation does not pile onto members still processing the last commit, and a member who never
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
  it('is due an interval after the last commit, and again an interval after that', async () => {
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

  it('waits for the current epoch to be confirmed, and goes as soon as it is', async () => {
    const { clock, update, state } = schedule();
    state.confirmed = false;
    update.restart();
    clock.advance(INTERVAL + 20_000);
    expect(state.dueAt).toEqual([]);
    state.confirmed = true;
    update.epochConfirmed();
    clock.advance(0);
    await settled();
    expect(state.dueAt).toEqual([INTERVAL + 20_000]);
  });

  it('goes one more interval later if the epoch is never confirmed', async () => {
    const { clock, update, state } = schedule();
    state.confirmed = false;
    update.restart();
    clock.advance(2 * INTERVAL);
    await settled();
    expect(state.dueAt).toEqual([2 * INTERVAL]);
  });

  it('a commit starts the countdown again, and a confirmation without a waiting update does nothing', async () => {
    const { clock, update, state } = schedule();
    update.restart();
    clock.advance(INTERVAL / 2);
    update.restart(); // the group committed
    update.epochConfirmed();
    clock.advance(INTERVAL / 2);
    await settled();
    expect(state.dueAt).toEqual([]);
    clock.advance(INTERVAL / 2);
    await settled();
    expect(state.dueAt).toEqual([1.5 * INTERVAL]);
  });

  it('stops, and once closed never starts again', async () => {
    const { clock, update, state } = schedule();
    update.restart();
    update.stop();
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
