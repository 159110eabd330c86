// Frames under an epoch this receiver has not reached yet wait here briefly instead of being
// dropped: a sender that processed a commit first (or moved after its bound) may be heard before
// the commit is processed here, and a joiner hears frames before its Welcome is processed
// (docs/media.md "Rekeying without a gap"). Once the epoch is in place they are decrypted in
// arrival order. Bounded per sender and in total, in frames, bytes and time, so a sender that
// floods frames under made-up future epochs costs a fixed amount of memory and nothing else.
import type { Clock } from '../clock.ts';

export interface HoldBackLimits {
  /** How long a frame may wait for its epoch. */
  readonly maxAgeMs: number;
  readonly maxFramesPerSender: number;
  readonly maxBytesPerSender: number;
  readonly maxFrames: number;
  readonly maxBytes: number;
}

/**
 * A sender's 2 s of audio and video (50 + 30 frames/s) with room to spare; the sender's own bound
 * before moving without confirmation is 1 s, so a commit processed later than that here is late.
 */
export const DEFAULT_HOLD_BACK_LIMITS: HoldBackLimits = {
  maxAgeMs: 2_000,
  maxFramesPerSender: 240,
  maxBytesPerSender: 4 * 1024 * 1024,
  maxFrames: 4_096,
  maxBytes: 32 * 1024 * 1024,
};

export interface HeldFrame {
  readonly relayId: number;
  readonly bytes: Uint8Array;
  /** When it was first held (a frame held again keeps its first time). */
  readonly heldAt: number;
}

interface SenderShare {
  frames: number;
  bytes: number;
}

export class HoldBack {
  readonly #clock: Clock;
  readonly #limits: HoldBackLimits;
  /** In arrival order; the oldest first. */
  #frames: HeldFrame[] = [];
  readonly #bySender = new Map<number, SenderShare>();
  #bytes = 0;

  constructor(clock: Clock, limits: HoldBackLimits = DEFAULT_HOLD_BACK_LIMITS) {
    this.#clock = clock;
    this.#limits = limits;
  }

  get frames(): number {
    return this.#frames.length;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /**
   * Keeps `bytes` (not copied: the caller hands it over) until `take`; false, and nothing kept,
   * when a bound would be passed or the frame is already too old.
   */
  hold(relayId: number, bytes: Uint8Array, heldAt = this.#clock.now()): boolean {
    const limits = this.#limits;
    const share = this.#bySender.get(relayId) ?? { frames: 0, bytes: 0 };
    if (
      this.#clock.now() - heldAt >= limits.maxAgeMs ||
      share.frames + 1 > limits.maxFramesPerSender ||
      share.bytes + bytes.length > limits.maxBytesPerSender ||
      this.#frames.length + 1 > limits.maxFrames ||
      this.#bytes + bytes.length > limits.maxBytes
    ) {
      return false;
    }
    share.frames++;
    share.bytes += bytes.length;
    this.#bySender.set(relayId, share);
    this.#bytes += bytes.length;
    // Held again after a release, a frame goes back among the others by its first time.
    const frame: HeldFrame = { relayId, bytes, heldAt };
    const last = this.#frames[this.#frames.length - 1];
    if (last === undefined || last.heldAt <= heldAt) this.#frames.push(frame);
    else this.#frames.splice(this.#insertionPoint(heldAt), 0, frame);
    return true;
  }

  /** Every held frame, oldest first; none is held afterwards. */
  take(): HeldFrame[] {
    const frames = this.#frames;
    this.#frames = [];
    this.#bySender.clear();
    this.#bytes = 0;
    return frames;
  }

  /** The frames that waited `maxAgeMs` or longer, oldest first; no longer held. */
  expire(): HeldFrame[] {
    const cutoff = this.#clock.now() - this.#limits.maxAgeMs;
    let count = 0;
    while (count < this.#frames.length && this.#frames[count]!.heldAt <= cutoff) count++;
    if (count === 0) return [];
    const expired = this.#frames.splice(0, count);
    for (const frame of expired) this.#release(frame);
    return expired;
  }

  #release(frame: HeldFrame): void {
    this.#bytes -= frame.bytes.length;
    const share = this.#bySender.get(frame.relayId);
    if (share === undefined) return;
    share.frames--;
    share.bytes -= frame.bytes.length;
    if (share.frames === 0) this.#bySender.delete(frame.relayId);
  }

  /** The first index whose frame was held after `heldAt` (binary search: frames are in order). */
  #insertionPoint(heldAt: number): number {
    let low = 0;
    let high = this.#frames.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.#frames[mid]!.heldAt <= heldAt) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
