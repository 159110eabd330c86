// Senders whose frames this receiver keeps refusing because the envelope's relay id and the
// frame's MLS leaf do not belong together (`sender_mismatch`) or the relay id is nobody the server
// listed (`unknown_sender`). A moment of that is normal while a participant list catches up; a run
// longer than STALL_AFTER_MS while frames keep coming means this receiver does not hear someone,
// and the user must be told (issue 16: after a server restart whole pairs dropped every frame
// and nobody knew). A frame from that relay id that decrypts ends the run.
import type { Clock } from '../clock.ts';
import type { FrameDropReason } from './stats.ts';

/** How long a sender's frames may be refused without a break before it counts as stalled. */
export const STALL_AFTER_MS = 2_000;

export type StallReason = 'sender_mismatch' | 'unknown_sender';

export interface SenderStall {
  readonly relayId: number;
  /** The reason of the latest refused frame. */
  readonly reason: StallReason;
  /** When the unbroken run of refusals began (clock ms). */
  readonly since: number;
  /** Frames refused in the run so far. */
  readonly frames: number;
}

export type StallChange =
  | { readonly kind: 'stalled'; readonly stall: SenderStall }
  | { readonly kind: 'cleared'; readonly relayId: number };

interface Run {
  /** Who held the relay id when the run began (undefined: nobody the server listed). */
  readonly holder: string | undefined;
  since: number;
  reason: StallReason;
  frames: number;
  reported: boolean;
}

function isStallReason(reason: FrameDropReason): reason is StallReason {
  return reason === 'sender_mismatch' || reason === 'unknown_sender';
}

export class SenderStalls {
  readonly #runs = new Map<number, Run>();

  constructor(
    private readonly clock: Clock,
    /** The participant id holding a relay id now, as the server's list says. */
    private readonly holderOf: (relayId: number) => string | undefined,
    private readonly changed: (change: StallChange) => void,
    private readonly afterMs = STALL_AFTER_MS,
  ) {}

  /** A frame from `relayId` was dropped; only the binding's reasons start or extend a run. */
  dropped(relayId: number | undefined, reason: FrameDropReason): void {
    if (relayId === undefined || !isStallReason(reason)) return;
    const now = this.clock.now();
    let run = this.#runs.get(relayId);
    if (run === undefined) {
      run = { holder: this.holderOf(relayId), since: now, reason, frames: 0, reported: false };
      this.#runs.set(relayId, run);
    }
    run.frames++;
    run.reason = reason;
    if (!run.reported && now - run.since >= this.afterMs) {
      run.reported = true;
      this.changed({ kind: 'stalled', stall: stallOf(relayId, run) });
    }
  }

  /** A frame from `relayId` decrypted: its run, if any, ends. */
  decrypted(relayId: number): void {
    this.#end(relayId);
  }

  /**
   * The participant list changed: a run whose relay id someone else holds now (or nobody: the
   * sender left) ends; frames still refused from that relay id start a new one.
   */
  participantsChanged(): void {
    for (const [relayId, run] of [...this.#runs]) {
      if (this.holderOf(relayId) !== run.holder) this.#end(relayId);
    }
  }

  /** The senders stalled now. */
  active(): SenderStall[] {
    return [...this.#runs]
      .filter(([, run]) => run.reported)
      .map(([relayId, run]) => stallOf(relayId, run));
  }

  #end(relayId: number): void {
    const run = this.#runs.get(relayId);
    if (run === undefined) return;
    this.#runs.delete(relayId);
    if (run.reported) this.changed({ kind: 'cleared', relayId });
  }
}

function stallOf(relayId: number, run: Run): SenderStall {
  return { relayId, reason: run.reason, since: run.since, frames: run.frames };
}
