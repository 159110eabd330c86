// How long this member's own MLS work took, epoch by epoch: building a commit it was asked for
// (and how long the delivery service had batched the proposals first), processing others' commits,
// and processing its Welcome. Counted on this device's clock around the work itself, not the time
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
    readonly commitMs: number;
  }[];
  /** Others' commits this member processed: the epoch each made, and the time it took. */
  readonly processed: readonly { readonly epoch: string; readonly ms: number }[];
  /** This member's Welcome: the epoch it joined at, and the time processing it took. */
  readonly welcome?: { readonly epoch: string; readonly ms: number };
}

export class MlsTimer {
  readonly #commits: { epoch: string; waitedMs?: number; commitMs: number }[] = [];
  readonly #processed: { epoch: string; ms: number }[] = [];
  #welcome: { epoch: string; ms: number } | undefined;

  committed(epoch: bigint, commitMs: number, waitedMs: number | undefined): void {
    keep(this.#commits, {
      epoch: epoch.toString(),
      commitMs,
      ...(waitedMs === undefined ? {} : { waitedMs }),
    });
  }

  processed(epoch: bigint, ms: number): void {
    keep(this.#processed, { epoch: epoch.toString(), ms });
  }

  welcomed(epoch: bigint, ms: number): void {
    this.#welcome = { epoch: epoch.toString(), ms };
  }

  snapshot(): MlsTimings {
    return {
      commits: [...this.#commits],
      processed: [...this.#processed],
      ...(this.#welcome === undefined ? {} : { welcome: { ...this.#welcome } }),
    };
  }
}

function keep<T>(list: T[], entry: T): void {
  list.push(entry);
  if (list.length > KEPT) list.shift();
}
