// A long backlog of CPU-bound tasks must not hold the event loop: timers (the signaling ping) and
// socket reads get their turn while it drains, and the tasks still run in order.
import { describe, expect, it } from 'vitest';
import { SerialQueue } from '../src/meeting/serial-queue.ts';

function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // CPU-bound, like an MLS commit
  }
}

describe('fair turns', () => {
  it('lets a timer fire while 40 queues drain 2 s of work, and keeps each queue in order', async () => {
    const queues = Array.from({ length: 40 }, () => new SerialQueue());
    const order: string[] = [];
    const timerGaps: number[] = [];
    let last = performance.now();
    const ticker = setInterval(() => {
      const at = performance.now();
      timerGaps.push(at - last);
      last = at;
    }, 10);
    const started = performance.now();
    await Promise.all(
      queues.flatMap((queue, q) =>
        Array.from({ length: 5 }, (_, i) =>
          queue.run(() => {
            busy(10);
            order.push(`${q}:${i}`);
          }),
        ),
      ),
    );
    clearInterval(ticker);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThan(1_900);
    // Without turns the whole 2 s would run before the first tick; with them ticks keep coming.
    expect(timerGaps.length).toBeGreaterThan(10);
    expect(Math.max(...timerGaps)).toBeLessThan(500);
    for (let q = 0; q < queues.length; q++) {
      const mine = order.filter((entry) => entry.startsWith(`${q}:`));
      expect(mine).toEqual([0, 1, 2, 3, 4].map((i) => `${q}:${i}`));
    }
  });
});
