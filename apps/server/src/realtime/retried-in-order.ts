// Membership changes (a leave, an organizer's removal, a time-out, a grace time running out) and
// the proposals that follow them must reach the group even when the database is away for a while:
// a change that meets an unreachable database waits and is tried again — with capped back-off,
// in the order the changes happened, each in the room's queue — until it goes through. Before,
// such a change failed once, the log said only "Error", and the participant stayed in the group.
// Any other failure is logged with its code and the change dropped (retrying would not help).
import type { Logger } from '../log.ts';
import { failureCode, isOutage, outageCause } from '../storage/unavailable.ts';
import type { ServerClock, TimerHandle } from './clock.ts';

/** First wait after the database was found away; doubled per try up to the cap. */
const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 2_000;

export interface RetriedInOrderDeps {
  readonly clock: ServerClock;
  /** Runs `task` in the room's queue. */
  readonly enqueue: (task: () => Promise<void>) => void;
  readonly log: Logger;
}

interface Change {
  /** What it is, for the log: `left`, `removed`, `proposals`, … (never who). */
  readonly what: string;
  readonly run: () => Promise<void>;
}

export class RetriedInOrder {
  readonly #changes: Change[] = [];
  #timer: TimerHandle | undefined;
  /** A drain is queued in the room and has not started yet. */
  #queued = false;
  #delayMs = FIRST_RETRY_MS;
  #closed = false;

  constructor(private readonly deps: RetriedInOrderDeps) {}

  /** Changes still waiting (the database is away), oldest first. */
  get waiting(): number {
    return this.#changes.length;
  }

  /** Adds a change behind those waiting; it runs in the room's queue. */
  add(what: string, run: () => Promise<void>): void {
    if (this.#closed) return;
    this.#changes.push({ what, run });
    // While a retry is pending the change waits its turn behind the ones before it.
    if (this.#timer === undefined) this.#queue();
  }

  close(): void {
    this.#closed = true;
    this.deps.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #queue(): void {
    if (this.#queued) return;
    this.#queued = true;
    this.deps.enqueue(() => this.#drain());
  }

  async #drain(): Promise<void> {
    this.#queued = false;
    while (this.#changes.length > 0 && !this.#closed) {
      const change = this.#changes[0]!;
      try {
        await change.run();
      } catch (error) {
        if (isOutage(error)) {
          this.#retryLater(change, error);
          return;
        }
        this.deps.log.error('realtime: membership change failed', {
          change: change.what,
          error: error instanceof Error ? error.name : 'non-error thrown',
          code: codeOf(error),
        });
      }
      this.#changes.shift();
      this.#delayMs = FIRST_RETRY_MS;
    }
  }

  #retryLater(change: Change, error: unknown): void {
    this.deps.log.info('realtime: membership change waits for the database', {
      change: change.what,
      code: failureCode(outageCause(error)),
      waiting: this.#changes.length,
      retryInMs: this.#delayMs,
    });
    this.#timer = this.deps.clock.setTimeout(() => {
      this.#timer = undefined;
      this.#queue();
    }, this.#delayMs);
    this.#delayMs = Math.min(this.#delayMs * 2, MAX_RETRY_MS);
  }
}

/** The error's own code (a SQLSTATE, a socket code, a ServerError code), or `none`. */
export function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'none';
}
