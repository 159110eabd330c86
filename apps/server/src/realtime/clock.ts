// Time, injected (style guide, convention 8): the delivery service's batch window, committer
// time-outs, grace times and periodic updates, and each connection's liveness checks run on it, so
// tests can drive them with a fake clock instead of waiting.

/** Whatever the clock's setTimeout returns; only that clock's clearTimeout reads it. */
export type TimerHandle = object | number;

export interface ServerClock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  /** Accepts undefined, so "no timer running" needs no check at the call site. */
  clearTimeout(handle: TimerHandle | undefined): void;
}

/** The process clock; `now` may come from elsewhere (the app context's, which tests pin). */
export function systemClock(now: () => number = Date.now): ServerClock {
  return {
    now,
    setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
    clearTimeout: (handle) => {
      if (handle !== undefined) globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>);
    },
  };
}

/** A repeating timer on `clock`; `stop` ends it. */
export interface Repeating {
  stop(): void;
}

/**
 * Runs `tick` every `ms` on `clock` until stopped. Each run arms the next, so a clock needs only
 * one-shot timers (a fake clock included).
 */
export function repeatEvery(clock: ServerClock, ms: number, tick: () => void): Repeating {
  let handle: TimerHandle | undefined;
  let stopped = false;
  const arm = (): void => {
    handle = clock.setTimeout(() => {
      if (stopped) return;
      arm();
      tick();
    }, ms);
  };
  arm();
  return {
    stop: () => {
      stopped = true;
      clock.clearTimeout(handle);
      handle = undefined;
    },
  };
}
