import { SFrameError } from './errors.ts';

export const DEFAULT_REPLAY_WINDOW = 128;

/**
 * Sliding-window replay check for one KID (the RFC 6479 ring of bits): a CTR above the highest
 * accepted one is new; within `size` below it, the bit says whether it was seen; further below
 * it is too old to tell and is refused. `check` never changes state; `mark` is called only once
 * a frame has authenticated, so a forged frame cannot move the window.
 */
export class ReplayWindow {
  readonly size: number;
  readonly #mask: bigint;
  readonly #sizeBig: bigint;
  readonly #bits: Uint32Array;
  #highest = -1n;

  constructor(size: number = DEFAULT_REPLAY_WINDOW) {
    if (!Number.isInteger(size) || size < 32 || size > 65536 || (size & (size - 1)) !== 0) {
      throw new SFrameError(
        'invalid_argument',
        'replay window must be a power of two from 32 to 65536',
      );
    }
    this.size = size;
    this.#mask = BigInt(size - 1);
    this.#sizeBig = BigInt(size);
    this.#bits = new Uint32Array(size / 32);
  }

  check(ctr: bigint): 'ok' | 'replay' | 'too_old' {
    if (ctr > this.#highest) return 'ok';
    if (this.#highest - ctr >= this.#sizeBig) return 'too_old';
    return this.#isSet(ctr) ? 'replay' : 'ok';
  }

  /** Records `ctr` as seen; the caller has just had `check(ctr)` answer 'ok'. */
  mark(ctr: bigint): void {
    if (ctr > this.#highest) {
      const advance = ctr - this.#highest;
      if (this.#highest < 0n || advance >= this.#sizeBig) {
        this.#bits.fill(0);
      } else {
        for (let c = this.#highest + 1n; c < ctr; c++) this.#clear(c);
      }
      this.#highest = ctr;
    }
    const i = Number(ctr & this.#mask);
    this.#bits[i >>> 5] = (this.#bits[i >>> 5] ?? 0) | (1 << (i & 31));
  }

  #isSet(ctr: bigint): boolean {
    const i = Number(ctr & this.#mask);
    return ((this.#bits[i >>> 5] ?? 0) & (1 << (i & 31))) !== 0;
  }

  #clear(ctr: bigint): void {
    const i = Number(ctr & this.#mask);
    this.#bits[i >>> 5] = (this.#bits[i >>> 5] ?? 0) & ~(1 << (i & 31));
  }
}
