// The load worker's turns (issue 13's removal critical path): once switched on, MLS steps of the
// simulated devices run one at a time, and each step's time is its own, not the wait for its turn.
import { runInNewContext } from 'node:vm';
import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { timedStep } from '../../../packages/client/src/mls/turns.ts';
import { HeapPauses } from '../src/headless/heap-pauses.ts';
import { TakeTurns } from '../src/headless/mls-turns.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('TakeTurns', () => {
  it('runs steps one at a time once switched on; each is timed without its wait', async () => {
    const turns = new TakeTurns();
    turns.switchOn();
    const log: string[] = [];
    const step = (name: string) => async () => {
      log.push(`${name} begins`);
      await sleep(100);
      log.push(`${name} ends`);
      return name;
    };
    const clock = { now: () => Date.now() };
    const [a, b] = await Promise.all([
      timedStep(clock, turns.run, step('a')),
      timedStep(clock, turns.run, step('b')),
    ]);
    expect(log).toEqual(['a begins', 'a ends', 'b begins', 'b ends']);
    expect(b.value).toBe('b');
    // b waited ~100 ms for its turn; its own time is one step (~100 ms), not two (~200 ms).
    expect(b.ms).toBeLessThan(180);
    expect(a.ms).toBeGreaterThanOrEqual(90);
  });

  it('lets the event loop in between turns, though every step is promise callbacks only', async () => {
    const turns = new TakeTurns();
    turns.switchOn();
    const log: string[] = [];
    // A step that never waits for I/O (like MLS work on a synchronous crypto provider): alone, a
    // pile of them would keep every timer and socket event out until all were done.
    const busy = (name: string) => async () => {
      const until = performance.now() + 30;
      while (performance.now() < until) await Promise.resolve();
      log.push(name);
    };
    setTimeout(() => log.push('timer'), 0);
    const clock = { now: () => performance.now() };
    await Promise.all(['a', 'b', 'c', 'd'].map((n) => timedStep(clock, turns.run, busy(n))));
    // The timer was due at once: it ran before the last step, not after the whole pile.
    expect(log.indexOf('timer')).toBeGreaterThanOrEqual(0);
    expect(log.indexOf('timer')).toBeLessThan(log.indexOf('d'));
  });

  it('interleaves while off, and a failed step does not block the next', async () => {
    const turns = new TakeTurns();
    const log: string[] = [];
    const step = (name: string) => async () => {
      log.push(`${name} begins`);
      await sleep(20);
      log.push(`${name} ends`);
    };
    const clock = { now: () => Date.now() };
    await Promise.all([
      timedStep(clock, turns.run, step('a')),
      timedStep(clock, turns.run, step('b')),
    ]);
    expect(log.slice(0, 2)).toEqual(['a begins', 'b begins']);
    turns.switchOn();
    const failing = timedStep(clock, turns.run, () => Promise.reject(new Error('refused')));
    await expect(failing).rejects.toThrow('refused');
    await expect(timedStep(clock, turns.run, () => Promise.resolve('next'))).resolves.toMatchObject(
      {
        value: 'next',
      },
    );
  });

  it('counts the steps asked for and not finished, on or off, failed ones included', async () => {
    const turns = new TakeTurns();
    const clock = { now: () => Date.now() };
    const slow = (ms: number) => () => sleep(ms);
    const off = timedStep(clock, turns.run, slow(30));
    expect(turns.steps).toBe(1);
    await off;
    await Promise.resolve();
    expect(turns.steps).toBe(0);
    turns.switchOn();
    const steps = [
      timedStep(clock, turns.run, slow(30)),
      timedStep(clock, turns.run, () => Promise.reject(new Error('refused'))),
      timedStep(clock, turns.run, slow(30)),
    ];
    // Waiting for their turn counts: the work is in hand.
    expect(turns.steps).toBe(3);
    await Promise.allSettled(steps);
    await Promise.resolve();
    expect(turns.steps).toBe(0);
  });

  it('takes the pauses its source reports out of a step, and counts them', async () => {
    // The source says 60 ms of whatever window it is asked about was a heap pause.
    const turns = new TakeTurns({ within: () => Promise.resolve(60) });
    turns.switchOn();
    const clock = { now: () => Date.now() };
    const timed = await timedStep(clock, turns.run, async () => {
      await sleep(100);
      return 'done';
    });
    expect(timed.value).toBe('done');
    expect(timed.ms).toBeGreaterThanOrEqual(30);
    expect(timed.ms).toBeLessThan(100);
    expect(turns.excluded).toEqual({ steps: 1, ms: 60, longestMs: 60 });
    // Never more than the step itself.
    const short = new TakeTurns({ within: () => Promise.resolve(10_000) });
    short.switchOn();
    expect((await timedStep(clock, short.run, () => sleep(5))).ms).toBe(0);
  });
});

describe('HeapPauses', () => {
  it('finds a real full collection inside the window it overlapped, and none outside', async () => {
    v8.setFlagsFromString('--expose-gc');
    const collect = runInNewContext('gc') as () => void;
    const pauses = new HeapPauses();
    try {
      const before = performance.now();
      await sleep(5);
      const quiet = performance.now();
      const kept = Array.from({ length: 200_000 }, (_, i) => ({ i, s: `item ${i}` }));
      const from = performance.now();
      collect();
      const to = performance.now();
      expect(kept.length).toBe(200_000);
      expect(await pauses.within(from, to)).toBeGreaterThan(0);
      expect(await pauses.within(before, quiet)).toBe(0);
    } finally {
      pauses.stop();
    }
  });
});
