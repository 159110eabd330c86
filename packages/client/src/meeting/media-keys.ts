// The meeting's frame protector (an epoch key ring, here or in a worker) over its life: E2EE
// epochs come from the MLS exporter (via the member session); standard meetings install the
// server's `media-key` with the relay id as the sender index. A new group, or a server that
// started its keys over, gets a fresh protector rather than one refusing to go back in epochs.
import {
  DEFAULT_RETENTION_MS,
  MEETING_CIPHER_SUITE,
  SFrameError,
  type MeetingCipherSuite,
} from '@conclave/crypto/member';
import type { Clock } from '../clock.ts';
import type { FrameProtector, FrameProtectorFactory } from '../media/frame-protector.ts';

export class MediaKeys {
  readonly #create: FrameProtectorFactory;
  readonly #clock: Clock;
  readonly #retentionMs: number;
  #ring: FrameProtector;
  #cipherSuite: MeetingCipherSuite = MEETING_CIPHER_SUITE;

  constructor(options: { create: FrameProtectorFactory; clock: Clock; retentionMs?: number }) {
    this.#create = options.create;
    this.#clock = options.clock;
    this.#retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
    this.#ring = this.#fresh();
  }

  get ring(): FrameProtector {
    return this.#ring;
  }

  /** The meeting's SFrame suite (0x0005 for a post-quantum meeting); a change starts over. */
  useSuite(cipherSuite: MeetingCipherSuite): void {
    if (cipherSuite === this.#cipherSuite) return;
    this.#cipherSuite = cipherSuite;
    this.renew();
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

  #fresh(): FrameProtector {
    return this.#create({
      retentionMs: this.#retentionMs,
      now: () => this.#clock.now(),
      cipherSuite: this.#cipherSuite,
    });
  }
}
