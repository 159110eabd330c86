// A fixed-window counter per key (an IP address, an email). In memory, per process: enough to slow
// password guessing against one server; a fleet behind a load balancer would share it in storage.

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
