// A ServerClock that moves only when the test says so: timers fire in order of their due time as
// `advance` passes it, with `now()` reading that time inside each callback.
import type { ServerClock, TimerHandle } from '../../../src/realtime/clock.ts';

interface Timer {
  readonly at: number;
  readonly callback: () => void;
}

export class FakeClock implements ServerClock {
  private readonly timers = new Map<number, Timer>();
  private nextHandle = 1;

  constructor(private time = 1_700_000_000_000) {}

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const handle = this.nextHandle++;
    this.timers.set(handle, { at: this.time + ms, callback });
    return handle;
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (typeof handle === 'number') this.timers.delete(handle);
  }

  /** Timers armed and not yet fired or cleared. */
  get pending(): number {
    return this.timers.size;
  }

  /**
   * The process stalls for `ms`: time moves on and no timer fires; the next `advance` fires the
   * overdue ones, late, as a busy event loop does.
   */
  stall(ms: number): void {
    this.time += ms;
  }

  /** Moves time on by `ms`, firing every timer that falls due on the way (ties in arming order). */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let next: [number, Timer] | undefined;
      for (const entry of this.timers)
        if (next === undefined || entry[1].at < next[1].at) next = entry;
      if (next === undefined || next[1].at > end) break;
      this.timers.delete(next[0]);
      this.time = Math.max(this.time, next[1].at); // overdue after a stall: fired late
      next[1].callback();
    }
    this.time = end;
  }
}
