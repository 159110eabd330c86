// Where SFrame protect / unprotect happens is pluggable: in this process (the default, an
// EpochKeyRing) or elsewhere, e.g. a browser Web Worker that keeps the keys away from the page.
// The SDK hands each epoch's base key to the protector and wipes its own copy once the call
// settles, so an implementation must copy (or transfer a copy of) the key before it resolves.
import {
  EpochKeyRing,
  type KeyRingUnprotectResult,
  type MeetingCipherSuite,
  type ProtectResult,
  type SendSwitch,
  type SFrameCryptoBackend,
} from '@conclave/crypto/member';

export interface FrameProtector {
  /** The epoch senders use, once `setEpoch` has resolved; undefined before the first. */
  readonly currentEpoch: bigint | undefined;
  /** The newest epoch set, which decrypts already; senders may not use it yet (`later`). */
  readonly newestEpoch: bigint | undefined;
  /**
   * Applied in call order. Rejects with an SFrameError (`epoch_regressed`, `key_reused`,
   * `closed`, `invalid_argument`) as EpochKeyRing does: the SDK starts a fresh protector on the
   * first two. The caller wipes `baseKey` once this settles. `sending`: senders move to the
   * epoch at once (default) or on `sendUnder` — EpochKeyRing's rules.
   */
  setEpoch(
    epoch: bigint,
    baseKey: Uint8Array,
    ownLeafIndex: number,
    sending?: SendSwitch,
  ): Promise<void>;
  /** Senders move to `epoch`, set earlier with `later`; no change if they are there already. */
  sendUnder(epoch: bigint): Promise<void>;
  protect(context: number, plaintext: Uint8Array, metadata: Uint8Array): Promise<ProtectResult>;
  /** Never rejects for a bad frame: it resolves to a drop with its reason. */
  unprotect(frame: Uint8Array, metadata: Uint8Array): Promise<KeyRingUnprotectResult>;
  /** Forgets epochs past their retention. */
  prune(): void;
  /** Idempotent: forgets every key. */
  close(): void;
}

export interface FrameProtectorOptions {
  /** How long a superseded epoch still decrypts frames in flight. */
  readonly retentionMs: number;
  /** The SDK's clock, in milliseconds (an out-of-process protector may use its own). */
  readonly now: () => number;
  /** The meeting's SFrame suite: 0x0004, or 0x0005 for a post-quantum meeting. */
  readonly cipherSuite?: MeetingCipherSuite;
}

/** Called once per key ring the meeting needs: at the start and for every new MLS group. */
export type FrameProtectorFactory = (options: FrameProtectorOptions) => FrameProtector;

/** The default: an EpochKeyRing in this process, over `backend`. */
export function inProcessFrameProtector(backend: SFrameCryptoBackend): FrameProtectorFactory {
  return (options) =>
    new EpochKeyRing({
      backend,
      now: options.now,
      retentionMs: options.retentionMs,
      ...(options.cipherSuite === undefined ? {} : { cipherSuite: options.cipherSuite }),
    });
}
