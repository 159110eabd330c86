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
    // How much work got done between two ticks of the timer: counted in work items, not measured
    // in wall-clock time, so a loaded machine that descheduled this process does not fail it.
    const workBetweenTicks: number[] = [];
    let doneAtLastTick = 0;
    const ticker = setInterval(() => {
      workBetweenTicks.push(order.length - doneAtLastTick);
      doneAtLastTick = order.length;
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
    // Without turns all 200 items (2 s) would run before the first tick; with 25 ms turns the
    // timer gets in after every few items.
    expect(workBetweenTicks.length).toBeGreaterThan(10);
    expect(Math.max(...workBetweenTicks)).toBeLessThan(20);
    for (let q = 0; q < queues.length; q++) {
      const mine = order.filter((entry) => entry.startsWith(`${q}:`));
      expect(mine).toEqual([0, 1, 2, 3, 4].map((i) => `${q}:${i}`));
    }
  });
});
