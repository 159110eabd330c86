// The meeting's epoch key ring over its life: E2EE epochs come from the MLS exporter (via the
// member session); standard meetings install the server's `media-key` with the relay id as the
// sender index. A new group, or a server that started its keys over, gets a fresh ring rather
// than a ring refusing to go back in epochs.
import { EpochKeyRing, SFrameError, type SFrameCryptoBackend } from '@conclave/crypto/member';
import type { Clock } from '../clock.ts';

export class MediaKeys {
  readonly #backend: SFrameCryptoBackend;
  readonly #clock: Clock;
  readonly #retentionMs: number | undefined;
  #ring: EpochKeyRing;

  constructor(options: { backend: SFrameCryptoBackend; clock: Clock; retentionMs?: number }) {
    this.#backend = options.backend;
    this.#clock = options.clock;
    this.#retentionMs = options.retentionMs;
    this.#ring = this.#fresh();
  }

  get ring(): EpochKeyRing {
    return this.#ring;
  }

  /** Forgets every key and starts over (a new MLS group). */
  renew(): void {
    this.#ring.close();
    this.#ring = this.#fresh();
  }

  /** Standard meetings: the server-held key of `epoch`. The caller may wipe `key` afterwards. */
  async installServerKey(epoch: bigint, key: Uint8Array, relayId: number): Promise<void> {
    try {
      await this.#ring.setEpoch(epoch, key, relayId);
    } catch (error) {
      const restarted =
        error instanceof SFrameError &&
        (error.code === 'epoch_regressed' || error.code === 'key_reused');
      if (!restarted) throw error;
      this.renew();
      await this.#ring.setEpoch(epoch, key, relayId);
    }
  }

  close(): void {
    this.#ring.close();
  }

  #fresh(): EpochKeyRing {
    return new EpochKeyRing({
      backend: this.#backend,
      now: () => this.#clock.now(),
      ...(this.#retentionMs === undefined ? {} : { retentionMs: this.#retentionMs }),
    });
  }
}
