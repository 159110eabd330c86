// How long a batch of proposals waited before a member was asked to commit it — a measurement
// only, said to the committer (`commit-request.waitedMs`). Part of that wait is the batch window
// itself (the delivery service gathering arrivals); the rest (`blockedMs`) is time the batch was
// ready but could not be asked for, because the group was still being founded or the previous
// epoch's commit was awaited. A Remove's wait starts when the server took the participant out
// (their leave, the organizer's removal): the start of the removal cut-off (docs/cli.md). On a machine whose cores every client shares, that blocked time is
// mostly someone else's queue: the load tool replaces it by the blocking step's own measured cost
// (docs/cli.md, "critical path").
import type { ServerClock } from '../clock.ts';

export interface BatchWait {
  readonly waitedMs: number;
  readonly blockedMs: number;
}

export class BatchWaitClock {
  private since: number | undefined;
  private blockedSince: number | undefined;

  constructor(private readonly clock: ServerClock) {}

  /**
   * A proposal joined the batch (the first one starts the clock). `at`: when the change behind it
   * happened, if earlier — a departure's wait runs from the moment the room took them out.
   */
  started(at?: number): void {
    const from = Math.min(at ?? Infinity, this.clock.now());
    this.since = this.since === undefined ? from : Math.min(this.since, from);
  }

  /** The batch is ready but cannot be asked for yet (founding, or a commit in flight). */
  blocked(): void {
    if (this.since !== undefined) this.blockedSince ??= this.clock.now();
  }

  /** A member is asked to commit the batch: its wait, and the clock starts over. */
  take(): BatchWait | undefined {
    const now = this.clock.now();
    const { since, blockedSince } = this;
    this.since = undefined;
    this.blockedSince = undefined;
    if (since === undefined) return undefined;
    return {
      waitedMs: Math.round(now - since),
      blockedMs: blockedSince === undefined ? 0 : Math.round(now - blockedSince),
    };
  }
}
