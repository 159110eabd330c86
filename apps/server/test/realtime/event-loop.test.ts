// Long work in a room's queue (signing and sending hundreds of proposals after a large commit)
// lets I/O and timers in every few steps, so a busy node still answers its heartbeats; short work
// stays on the microtask queue.
import { describe, expect, it } from 'vitest';
import { passEvery, STEPS_PER_PASS } from '../../src/realtime/event-loop.ts';

async function work(steps: number, log: string[]): Promise<void> {
  for (let step = 0; step < steps; step++) {
    await passEvery(step);
    log.push(`step ${step}`);
  }
}

describe('long work hands the event loop back', () => {
  it('lets a pending event in between steps of long work', async () => {
    const log: string[] = [];
    setImmediate(() => log.push('event'));
    await work(STEPS_PER_PASS * 3, log);
    const at = log.indexOf('event');
    expect(at).toBe(STEPS_PER_PASS);
    expect(log).toHaveLength(STEPS_PER_PASS * 3 + 1);
  });

  it('keeps short work on the microtask queue: nothing else runs during it', async () => {
    const log: string[] = [];
    setImmediate(() => log.push('event'));
    await work(STEPS_PER_PASS, log);
    expect(log).not.toContain('event');
  });
});
