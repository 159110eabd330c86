// When this member's media senders move to a new epoch's keys (docs/media.md "Rekeying without a
// gap"). A commit that only adds members or refreshes keys is a prepared transition: the epoch
// decrypts at once, but senders stay on the old keys until the server says every member reached
// the epoch (`epoch-confirmed`) or a short bound passes — whichever comes first — so no receiver
// gets frames it cannot decrypt yet. A commit that removes someone is used at once (the removal
// cut-off comes before a glitch). Believing a false confirmation costs a glitch, never a key.
import { SFrameError } from '@conclave/crypto/member';
import type { FrameProtector } from '../media/frame-protector.ts';

/** How long senders wait for `epoch-confirmed` before moving anyway. */
export const DEFAULT_SEND_SWITCH_BOUND_MS = 1_000;

/** How each move to a new epoch happened, counted (`Meeting.stats().senderSwitches`). */
export interface SenderSwitchCounts {
  /** Every member had the epoch (the server said so) before senders moved. */
  confirmed: number;
  /** The bound passed first: a receiver still without the epoch holds frames back briefly. */
  bound: number;
  /** Used at once: the epoch removed someone, or it was this member's first. */
  atOnce: number;
}

export interface SenderSwitchOptions {
  readonly boundMs: number;
  readonly ring: () => FrameProtector;
  /** Runs `task` after `ms`, in the meeting's queue. */
  readonly later: (ms: number, task: () => Promise<void>) => void;
}

export class SenderSwitch {
  readonly counts: SenderSwitchCounts = { confirmed: 0, bound: 0, atOnce: 0 };
  readonly #o: SenderSwitchOptions;
  /** The newest epoch senders wait to move to, if any. */
  #waiting: bigint | undefined;
  /** Which wait a bound timer belongs to (a wait ends when senders catch up). */
  #wait = 0;

  constructor(options: SenderSwitchOptions) {
    this.#o = options;
  }

  /** The member entered `epoch`; `sendersWait`: a prepared transition (set with `later`). */
  entered(epoch: bigint, sendersWait: boolean): void {
    if (!sendersWait) {
      this.#waiting = undefined;
      this.#wait++;
      this.counts.atOnce++;
      return;
    }
    // Epochs coming faster than the bound do not push it back: it runs from the first one
    // senders have not moved to, so they never lag further behind than that.
    const started = this.#waiting === undefined;
    this.#waiting = epoch;
    if (!started) return;
    const wait = ++this.#wait;
    this.#o.later(this.#o.boundMs, async () => {
      const waiting = this.#waiting;
      if (wait === this.#wait && waiting !== undefined) await this.#move(waiting, 'bound');
    });
  }

  /** The server says every member reached `epoch`: senders may use it (or the one they wait for). */
  async confirmed(epoch: bigint): Promise<void> {
    const waiting = this.#waiting;
    if (waiting === undefined) return;
    // A confirmation past this member's epoch would be a server's mistake: no further than ours.
    await this.#move(epoch < waiting ? epoch : waiting, 'confirmed');
  }

  async #move(epoch: bigint, how: 'confirmed' | 'bound'): Promise<void> {
    if (epoch === this.#waiting) {
      this.#waiting = undefined;
      this.#wait++;
    }
    const ring = this.#o.ring();
    const before = ring.currentEpoch;
    try {
      await ring.sendUnder(epoch);
    } catch (error) {
      // The meeting ended (or a new group began) meanwhile: there is nothing left to move.
      if (error instanceof SFrameError && error.code === 'closed') return;
      throw error;
    }
    if (ring.currentEpoch !== before) this.counts[how]++;
  }
}
