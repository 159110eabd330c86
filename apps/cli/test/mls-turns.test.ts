// The load worker's turns (issue 13's removal critical path): once switched on, MLS steps of the
// simulated devices run one at a time, and each step's time is its own, not the wait for its turn.
import { describe, expect, it } from 'vitest';
import { timedStep } from '../../../packages/client/src/mls/turns.ts';
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

  it('interleaves while off, and a failed step does not block the next', async () => {
    const turns = new TakeTurns();
    const log: string[] = [];
    const step = (name: string) => async () => {
      log.push(`${name} begins`);
      await sleep(20);
      log.push(`${name} ends`);
    };
    await Promise.all([turns.run(step('a')), turns.run(step('b'))]);
    expect(log.slice(0, 2)).toEqual(['a begins', 'b begins']);
    turns.switchOn();
    const failing = turns.run(() => Promise.reject(new Error('refused')));
    await expect(failing).rejects.toThrow('refused');
    await expect(turns.run(() => Promise.resolve('next'))).resolves.toBe('next');
  });
});
