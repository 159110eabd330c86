// How long a socket has been silent, not counting time this node was stalled itself. After a stall
// (a busy event loop, a long collection, SIGSTOP) every socket looks silent for the stall's length:
// in the 1,000-person run a host that went silent for 12 s timed out about 700 sockets at once on
// waking, and their members had to rejoin. As the cluster does for the other nodes
// (../cluster/liveness.ts), the node gives its sockets back the time its own checks came late.

export class Silence {
  #lastSeen: number;
  #lastCheck: number;

  /** `checkEveryMs`: how often `check` is meant to run. */
  constructor(
    private readonly checkEveryMs: number,
    now: number,
  ) {
    this.#lastSeen = now;
    this.#lastCheck = now;
  }

  /** A message or pong came: the silence starts again. */
  heard(now: number): void {
    this.#lastSeen = now;
  }

  /** The silence at a periodic check, less the time this node was stalled since the last one. */
  check(now: number): number {
    const stalled = ownStall(now, this.#lastCheck, this.checkEveryMs);
    this.#lastSeen = Math.min(now, this.#lastSeen + stalled);
    this.#lastCheck = now;
    return now - this.#lastSeen;
  }
}

/**
 * How long this node stalled, judged by a periodic check that ran at `now` and last at `lastAt`,
 * meant every `everyMs`: the lateness past a whole missed check (a timer's usual jitter is not a
 * stall), else 0.
 */
export function ownStall(now: number, lastAt: number, everyMs: number): number {
  const late = now - lastAt - everyMs;
  return late > everyMs ? late : 0;
}

/** How often a connection checks its socket's silence: a quarter of the timeout, at most 5 s. */
export function livenessCheckMs(options: { readonly livenessTimeoutMs: number }): number {
  return Math.max(10, Math.min(options.livenessTimeoutMs / 4, 5_000));
}
