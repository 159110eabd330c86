// How long proposals waited before a member was asked to commit them — a measurement only. The
// batch's wait runs from its first proposal and is said to the committer
// (`commit-request.waitedMs`); each joiner's own wait runs from its own Add's arrival and is said
// to the joiners with their Welcome (`welcome.waits`), since one who arrived late in a batch
// waited less than the batch. Part of a wait is the batch window itself (the delivery service
// gathering arrivals); the rest (`blockedMs`) is time the batch was ready but could not be asked
// for, because the group was still being founded or the previous epoch's commit was awaited. A
// Remove's wait starts when the server took the participant out (their leave, the organizer's
// removal): the start of the removal cut-off (docs/cli.md). On a machine whose cores every client
// shares, that blocked time is mostly someone else's queue: the load tool replaces it by the
// blocking step's own measured cost (docs/cli.md, "critical path").
//
// Arrivals are kept in memory only: after a restart, or with the meeting on another node, a
// joiner's arrival is unknown and its wait is simply not said.
import type { ServerClock } from '../clock.ts';

export interface BatchWait {
  readonly waitedMs: number;
  readonly blockedMs: number;
}

/** The waits a commit request ends. */
export interface RequestWaits {
  /** The batch's (its oldest proposal's), said to the committer; undefined: not measured. */
  readonly batch: BatchWait | undefined;
  /** Each covered joiner's own, by participant id, said to the joiners with their Welcome. */
  readonly joiners: ReadonlyMap<string, BatchWait>;
}

export const NO_WAITS: RequestWaits = { batch: undefined, joiners: new Map() };

export class BatchWaitClock {
  private since: number | undefined;
  private blockedSince: number | undefined;
  /** When each joiner's Add arrived, while the Add may still be asked for. */
  private readonly arrivals = new Map<string, number>();

  constructor(private readonly clock: ServerClock) {}

  /**
   * A proposal joined the batch (the first one starts the clock). `at`: when the change behind it
   * happened, if earlier — a departure's wait runs from the moment the room took them out.
   */
  started(at?: number): void {
    const from = Math.min(at ?? Infinity, this.clock.now());
    this.since = this.since === undefined ? from : Math.min(this.since, from);
  }

  /** A joiner's Add arrived: its own wait starts now (the batch's starts with `started`). */
  arrived(participantId: string): void {
    this.arrivals.set(participantId, this.clock.now());
  }

  /** The batch is ready but cannot be asked for yet (founding, or a commit in flight). */
  blocked(): void {
    if (this.since !== undefined) this.blockedSince ??= this.clock.now();
  }

  /**
   * A member is asked to commit the batch: its wait and that of each joiner in `covered` (the
   * Adds the request covers), and the batch clock starts over. A joiner's blocked part is the
   * batch's blocked time since it arrived: one that arrived while a commit was in flight waited,
   * blocked, from its arrival. A joiner whose Add an earlier request covered but its commit left
   * out (asked for again now) is charged its whole wait since arrival, only this batch's blocked
   * time marked blocked. Arrivals of joiners not in `pending` (the Adds still waiting, these
   * included) are forgotten: they were admitted, dropped or left.
   */
  take(covered: Iterable<string>, pending: Iterable<string>): RequestWaits {
    const now = this.clock.now();
    const { since, blockedSince } = this;
    this.since = undefined;
    this.blockedSince = undefined;
    this.keepOnly(pending);
    return {
      batch:
        since === undefined
          ? undefined
          : {
              waitedMs: Math.round(now - since),
              blockedMs: blockedSince === undefined ? 0 : Math.round(now - blockedSince),
            },
      joiners: this.joinerWaits(covered, now, blockedSince),
    };
  }

  /**
   * A member is asked for proposals sent before, whose request found nobody to ask (no member was
   * connected): each covered joiner's wait to now, none of it blocked — no founding or commit held
   * it, so no step's own cost stands in for it. The batch clock is left to the proposals gathered
   * since.
   */
  askedAgain(covered: Iterable<string>): RequestWaits {
    return { batch: undefined, joiners: this.joinerWaits(covered, this.clock.now(), undefined) };
  }

  private joinerWaits(
    covered: Iterable<string>,
    now: number,
    blockedSince: number | undefined,
  ): Map<string, BatchWait> {
    const waits = new Map<string, BatchWait>();
    for (const participantId of covered) {
      const arrived = this.arrivals.get(participantId);
      if (arrived === undefined) continue;
      waits.set(participantId, {
        waitedMs: Math.round(now - arrived),
        blockedMs:
          blockedSince === undefined ? 0 : Math.round(now - Math.max(blockedSince, arrived)),
      });
    }
    return waits;
  }

  private keepOnly(pending: Iterable<string>): void {
    const keep = new Set(pending);
    for (const participantId of this.arrivals.keys())
      if (!keep.has(participantId)) this.arrivals.delete(participantId);
  }
}
