// How long this member's own MLS work took, epoch by epoch: building a commit it was asked for
// (and how long the delivery service had batched the proposals first), processing others' commits,
// and processing its Welcome (and how long its own Add had waited for the commit request, as the
// delivery service said). Counted on this device's clock around the work itself, not the time
// spent waiting in a queue: the load tool adds these up into each join's critical path — what one
// person waits when every device is its own (docs/cli.md).

/** Entries kept per kind: a long meeting forgets its oldest. */
const KEPT = 500;

export interface MlsTimings {
  /** Commits of this member that won: the epoch each made, and its costs. */
  readonly commits: readonly {
    readonly epoch: string;
    /** The delivery service's batching wait before it asked (undefined: it did not say). */
    readonly waitedMs?: number;
    /**
     * The part of that wait the batch was ready but waited for the group's founding or the
     * previous epoch's commit (on shared cores, mostly someone else's queue).
     */
    readonly blockedMs?: number;
    readonly commitMs: number;
  }[];
  /** Others' commits this member processed: the epoch each made, and the time it took. */
  readonly processed: readonly { readonly epoch: string; readonly ms: number }[];
  /**
   * This member's Welcome: the epoch it joined at, the time processing it took, and — when the
   * delivery service said — this member's own wait from its Add's arrival to the commit request
   * that covered it (`waitedMs`), and the part of that its batch was ready but blocked.
   */
  readonly welcome?: {
    readonly epoch: string;
    readonly ms: number;
    readonly waitedMs?: number;
    readonly blockedMs?: number;
  };
  /** The group this member founded (epoch 0): the time creating it took. */
  readonly created?: { readonly ms: number };
}

/** What the delivery service said of a wait (`commit-request`, or `welcome.waits`). */
export interface BatchWait {
  readonly waitedMs?: number | undefined;
  readonly blockedMs?: number | undefined;
}

export class MlsTimer {
  readonly #commits: { epoch: string; waitedMs?: number; blockedMs?: number; commitMs: number }[] =
    [];
  readonly #processed: { epoch: string; ms: number }[] = [];
  #welcome: { epoch: string; ms: number; waitedMs?: number; blockedMs?: number } | undefined;
  #created: { ms: number } | undefined;

  committed(epoch: bigint, commitMs: number, wait: BatchWait): void {
    keep(this.#commits, {
      epoch: epoch.toString(),
      commitMs,
      ...(wait.waitedMs === undefined ? {} : { waitedMs: wait.waitedMs }),
      ...(wait.blockedMs === undefined ? {} : { blockedMs: wait.blockedMs }),
    });
  }

  founded(ms: number): void {
    this.#created = { ms };
  }

  processed(epoch: bigint, ms: number): void {
    keep(this.#processed, { epoch: epoch.toString(), ms });
  }

  /** `wait`: this member's own, as the Welcome said it (nothing if it did not). */
  welcomed(epoch: bigint, ms: number, wait: BatchWait = {}): void {
    this.#welcome = {
      epoch: epoch.toString(),
      ms,
      ...(wait.waitedMs === undefined ? {} : { waitedMs: wait.waitedMs }),
      ...(wait.blockedMs === undefined ? {} : { blockedMs: wait.blockedMs }),
    };
  }

  snapshot(): MlsTimings {
    return {
      commits: [...this.#commits],
      processed: [...this.#processed],
      ...(this.#welcome === undefined ? {} : { welcome: { ...this.#welcome } }),
      ...(this.#created === undefined ? {} : { created: { ...this.#created } }),
    };
  }
}

function keep<T>(list: T[], entry: T): void {
  list.push(entry);
  if (list.length > KEPT) list.shift();
}
