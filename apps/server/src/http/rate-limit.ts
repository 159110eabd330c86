// Limits per key, in memory: enough to slow password guessing against one server; the nodes of a
// cluster tell each other what they counted (./shared-limits.ts). A fixed-window counter (a client
// address: every attempt) and a back-off on failures (an email, an account, a known device).

export interface RateLimit {
  /** Attempts allowed per window. */
  limit: number;
  windowMs: number;
}

export interface RateLimiter {
  /** Whether `key` has used up its window; if so, how long until it may try again. */
  check(key: string): { limited: false } | { limited: true; retryAfterMs: number };
  /** Counts one attempt for `key`. */
  hit(key: string): void;
}

export function createRateLimiter(config: RateLimit, now: () => number): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();

  const current = (key: string) => {
    const window = windows.get(key);
    if (window === undefined || now() - window.start >= config.windowMs) return undefined;
    return window;
  };

  const sweep = () => {
    if (windows.size < 10_000) return;
    for (const [key, window] of windows) {
      if (now() - window.start >= config.windowMs) windows.delete(key);
    }
  };

  return {
    check(key) {
      const window = current(key);
      if (window === undefined || window.count < config.limit) return { limited: false };
      return { limited: true, retryAfterMs: window.start + config.windowMs - now() };
    },
    hit(key) {
      sweep();
      const window = current(key);
      if (window === undefined) windows.set(key, { start: now(), count: 1 });
      else window.count += 1;
    },
  };
}

/**
 * A failure-counting limit that backs off instead of locking: `limit` failures are free; after
 * that each further attempt must wait twice as long after the latest one as the attempt before
 * had to (from `firstDelayMs` up to `maxDelayMs`). The count is forgotten after `windowMs` with no
 * attempt, and an admin may reset it. `maxDelayMs` stays below `windowMs`, so an attacker who
 * keeps to the slowest pace never gets a fresh allowance.
 */
export interface BackoffLimit extends RateLimit {
  /** Wait before the first attempt past `limit`. Default: windowMs / 30 (30 s for 15 minutes). */
  firstDelayMs?: number;
  /** The longest wait. Default and ceiling: windowMs / 2. */
  maxDelayMs?: number;
}

/** One reserved attempt: settle it once, as a success (not counted) or a failure (counted). */
export interface Attempt {
  succeeded(): void;
  failed(): void;
}

export type Reservation =
  { limited: false; attempt: Attempt } | { limited: true; retryAfterMs: number };

export interface BackoffLimiter {
  /**
   * Counts an attempt for `key` before the work it guards, so attempts in flight count too: a
   * burst cannot outrun the limit. Synchronous: check and count happen in one step.
   */
  reserve(key: string): Reservation;
  /** Forgets `key`'s failures (an admin lifting the limit). Attempts in flight stay counted. */
  reset(key: string): void;
  /** Counts a failure settled elsewhere (another node of a cluster; ./shared-limits.ts). */
  failedElsewhere(key: string): void;
}

export function createBackoffLimiter(config: BackoffLimit, now: () => number): BackoffLimiter {
  const maxDelayMs = Math.min(config.maxDelayMs ?? config.windowMs / 2, config.windowMs / 2);
  const firstDelayMs = Math.min(config.firstDelayMs ?? config.windowMs / 30, maxDelayMs);
  const states = new Map<string, { failures: number; pending: number; lastAt: number }>();

  const forgotten = (state: { pending: number; lastAt: number }) =>
    state.pending === 0 && now() - state.lastAt >= config.windowMs;

  const current = (key: string) => {
    const state = states.get(key);
    if (state !== undefined && forgotten(state)) {
      states.delete(key);
      return undefined;
    }
    return state;
  };

  const sweep = () => {
    if (states.size < 10_000) return;
    for (const [key, state] of states) if (forgotten(state)) states.delete(key);
  };

  return {
    reserve(key) {
      sweep();
      let state = current(key);
      if (state !== undefined) {
        const over = state.failures + state.pending - config.limit;
        if (over >= 0) {
          const wait = Math.min(maxDelayMs, firstDelayMs * 2 ** over);
          const waited = now() - state.lastAt;
          if (waited < wait) return { limited: true, retryAfterMs: wait - waited };
        }
      } else {
        state = { failures: 0, pending: 0, lastAt: now() };
        states.set(key, state);
      }
      const held = state;
      held.pending += 1;
      held.lastAt = now();
      let settled = false;
      const settle = (failed: boolean) => {
        if (settled) return;
        settled = true;
        held.pending -= 1;
        if (failed) {
          held.failures += 1;
          held.lastAt = now();
        }
      };
      return {
        limited: false,
        attempt: { succeeded: () => settle(false), failed: () => settle(true) },
      };
    },
    reset(key) {
      const state = states.get(key);
      if (state === undefined) return;
      if (state.pending === 0) states.delete(key);
      else state.failures = 0;
    },
    failedElsewhere(key) {
      sweep();
      const state = current(key);
      if (state === undefined) states.set(key, { failures: 1, pending: 0, lastAt: now() });
      else {
        state.failures += 1;
        state.lastAt = now();
      }
    },
  };
}
