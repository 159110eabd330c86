import { constantTimeEqual, type SFrameCryptoBackend } from '../sframe/backend.ts';
import { SFrameError } from '../sframe/errors.ts';
import { decodeHeader } from '../sframe/header.ts';
import { BaseKeySecret } from '../sframe/key-schedule.ts';
import { SFrameReceiver } from '../sframe/receiver.ts';
import { SFrameSender } from '../sframe/sender.ts';
import {
  MEETING_CIPHER_SUITE,
  PQ_MEETING_CIPHER_SUITE,
  suiteParams,
  type MeetingCipherSuite,
  type SuiteParams,
} from '../sframe/suites.ts';
import {
  DROP_REASONS,
  type DropReason,
  type ProtectResult,
  type UnprotectResult,
} from '../sframe/types.ts';
import { epochBits, isLeafIndex, isMediaContext, parseKid, sframeKid } from './kid.ts';

export const DEFAULT_RETENTION_MS = 10_000;

/**
 * When senders move to an epoch being set: `now`, or `later` — the epoch decrypts at once but
 * senders stay on the epoch they use until `sendUnder` (a prepared transition: every receiver
 * gets the new keys before the first frame under them; docs/media.md "Rekeying without a gap").
 */
export type SendSwitch = 'now' | 'later';

export interface EpochKeyRingOptions {
  backend: SFrameCryptoBackend;
  /**
   * The meeting's SFrame suite: 0x0004 (default) or, for a post-quantum meeting, 0x0005
   * (AES_256_GCM_SHA512_128). Frames under any other suite are dropped.
   */
  cipherSuite?: MeetingCipherSuite;
  /** How long a superseded epoch still decrypts frames in flight. Default 10 s (spec "Media frames"). */
  retentionMs?: number;
  /** Injected clock, in milliseconds. Default `Date.now`. */
  now?: () => number;
  /** Replay window per KID, in frames. Default 128. */
  replayWindow?: number;
}

export type KeyRingUnprotectResult = UnprotectResult & {
  senderLeafIndex?: number;
  context?: number;
  epoch?: bigint;
};

/** One epoch's keys: a send side for this member's own KIDs and a receive side for everyone else's. */
interface EpochKeys {
  readonly epoch: bigint;
  readonly bits: number;
  readonly ownLeafIndex: number;
  readonly secret: BaseKeySecret;
  readonly fingerprint: Uint8Array;
  readonly sender: SFrameSender;
  readonly receiver: SFrameReceiver;
  /** Set when a newer epoch takes over; the epoch is deleted at this time. */
  expiresAt: number | undefined;
}

const hexOf = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/**
 * Turns MLS epoch secrets into SFrame keys for a meeting (RFC 9605 §5.2, suite 0x0004 only).
 * Every member of an epoch shares `base_key`; the KID (context, sender leaf, epoch bits) alone
 * separates their keys. Senders move to a new epoch when it is set, or later when asked
 * (`SendSwitch`); receivers keep the epochs senders have left for `retentionMs`, then forget them.
 * Frames are picked out by their KID only; no frame is ever tried under several keys.
 */
export class EpochKeyRing {
  readonly #backend: SFrameCryptoBackend;
  readonly #suite: SuiteParams;
  readonly #retentionMs: number;
  readonly #now: () => number;
  readonly #replayWindow: number | undefined;
  readonly #epochs = new Map<number, EpochKeys>();
  readonly #drops: Record<DropReason, number> = Object.fromEntries(
    DROP_REASONS.map((r) => [r, 0]),
  ) as Record<DropReason, number>;
  /** The epoch senders use. */
  #current: EpochKeys | undefined;
  /** The newest epoch set: the current one, or one senders move to later. */
  #newest: EpochKeys | undefined;
  /** (base key fingerprint, own leaf) pairs this ring has sent under; see #setEpoch. */
  readonly #usedSendKeys = new Set<string>();
  #setEpochQueue: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(options: EpochKeyRingOptions) {
    const retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
    if (!Number.isFinite(retentionMs) || retentionMs < 0)
      throw new SFrameError(
        'invalid_argument',
        'retention must be a non-negative number of milliseconds',
      );
    this.#backend = options.backend;
    // Checked at run time too: the option may come from a worker message or plain JavaScript.
    const cipherSuite: number = options.cipherSuite ?? MEETING_CIPHER_SUITE;
    if (cipherSuite !== MEETING_CIPHER_SUITE && cipherSuite !== PQ_MEETING_CIPHER_SUITE)
      throw new SFrameError(
        'unsupported_suite',
        `a meeting does not use SFrame suite ${String(cipherSuite)}`,
      );
    this.#suite = suiteParams(cipherSuite);
    this.#retentionMs = retentionMs;
    this.#now = options.now ?? Date.now;
    this.#replayWindow = options.replayWindow;
  }

  /** The epoch senders use. */
  get currentEpoch(): bigint | undefined {
    return this.#current?.epoch;
  }

  /** The newest epoch set (decrypting already), which senders may not use yet. */
  get newestEpoch(): bigint | undefined {
    return this.#newest?.epoch;
  }

  /** Epochs that still decrypt, newest first. */
  get epochs(): bigint[] {
    this.prune();
    return [...this.#epochs.values()]
      .map((e) => e.epoch)
      .sort((a, b) => (a > b ? -1 : a < b ? 1 : 0));
  }

  get drops(): Readonly<Record<DropReason, number>> {
    return { ...this.#drops };
  }

  /**
   * A new epoch: `baseKey = MLS-Exporter("SFrame 1.0 Base Key", "", 16)`, computed by the caller,
   * who may wipe it once this resolves (the ring keeps only the extracted secret). Senders switch
   * at once, or with `later` when `sendUnder` says (the first epoch is always used at once);
   * epochs senders left are kept `retentionMs`; an older epoch with the same low E bits is
   * dropped at once (RFC 9605 §5.2). Setting the newest epoch again with the same key changes
   * nothing (counters continue); with another key it is a fresh key and counters restart at 0.
   * Calls are applied in order; an epoch older than the newest one is refused, and so is a base
   * key this ring already used for an earlier epoch (counters would restart under a known key).
   */
  setEpoch(
    epoch: bigint,
    baseKey: Uint8Array,
    ownLeafIndex: number,
    sending: SendSwitch = 'now',
  ): Promise<void> {
    if (this.#closed) return Promise.reject(new SFrameError('closed', 'key ring is closed'));
    if (epoch < 0n)
      return Promise.reject(new SFrameError('invalid_argument', 'epoch must not be negative'));
    if (!isLeafIndex(ownLeafIndex))
      return Promise.reject(new SFrameError('invalid_argument', 'leaf index out of range'));
    if (baseKey.length !== this.#suite.nk)
      return Promise.reject(
        new SFrameError('invalid_argument', `base key must be ${this.#suite.nk} bytes`),
      );
    // Copied now: the caller may wipe its buffer before the queued derivation runs.
    const key = baseKey.slice();
    const run = this.#setEpochQueue
      .then(() => this.#setEpoch(epoch, key, ownLeafIndex, sending))
      .finally(() => key.fill(0));
    this.#setEpochQueue = run.catch(() => undefined);
    return run;
  }

  /**
   * Senders move to `epoch`, set earlier with `later` (in the order of `setEpoch` calls); the
   * epochs they leave are kept `retentionMs` for frames in flight. Nothing changes if senders
   * already use `epoch` or a newer one, or if `epoch` was never set (or was replaced).
   */
  sendUnder(epoch: bigint): Promise<void> {
    if (this.#closed) return Promise.reject(new SFrameError('closed', 'key ring is closed'));
    const run = this.#setEpochQueue.then(() => {
      this.#assertOpen();
      const entry = this.#epochs.get(epochBits(epoch));
      const current = this.#current;
      if (entry?.epoch !== epoch || (current !== undefined && current.epoch >= epoch)) return;
      this.#switchSenders(entry);
    });
    this.#setEpochQueue = run.catch(() => undefined);
    return run;
  }

  async #setEpoch(
    epoch: bigint,
    baseKey: Uint8Array,
    ownLeafIndex: number,
    sending: SendSwitch,
  ): Promise<void> {
    this.#assertOpen();
    const newest = this.#newest;
    if (newest !== undefined && epoch < newest.epoch) {
      throw new SFrameError('epoch_regressed', 'epochs only move forward');
    }
    const secret = await BaseKeySecret.fromBaseKey(this.#backend, this.#suite, baseKey);
    const fingerprint = await secret.fingerprint();
    this.#assertOpen();
    if (
      newest !== undefined &&
      epoch === newest.epoch &&
      newest.ownLeafIndex === ownLeafIndex &&
      constantTimeEqual(newest.fingerprint, fingerprint)
    ) {
      if (sending === 'now') this.#switchSenders(newest);
      return;
    }
    // A new sender starts its counters at 0, so a base key this member already sent under (for
    // another epoch, or before a replacement) would repeat (key, nonce) pairs. MLS never hands out
    // the same exporter secret twice; if it happens, something upstream is broken: refuse.
    const sendKeyId = `${hexOf(fingerprint)}:${ownLeafIndex}`;
    if (this.#usedSendKeys.has(sendKeyId)) {
      throw new SFrameError('key_reused', 'this base key was already used by an earlier epoch');
    }
    this.#usedSendKeys.add(sendKeyId);

    const entry: EpochKeys = {
      epoch,
      bits: epochBits(epoch),
      ownLeafIndex,
      secret,
      fingerprint,
      sender: new SFrameSender({ backend: this.#backend, suite: this.#suite.id }),
      receiver: new SFrameReceiver({
        backend: this.#backend,
        suite: this.#suite.id,
        allowedSuites: [this.#suite.id],
        ...(this.#replayWindow === undefined ? {} : { replayWindow: this.#replayWindow }),
        keySource: () => secret,
      }),
      expiresAt: undefined,
    };

    // The same epoch with another key (a replacement) takes the old key's place at once.
    if (newest !== undefined && newest.epoch === epoch) this.#forget(newest);
    const collision = this.#epochs.get(entry.bits);
    if (collision !== undefined) this.#forget(collision);
    this.#epochs.set(entry.bits, entry);
    this.#newest = entry;
    const current = this.#current;
    // Senders never wait without an epoch to send under (the first, or a replaced current one).
    if (sending === 'now' || current === undefined || this.#epochs.get(current.bits) !== current) {
      this.#switchSenders(entry);
    }
    this.prune();
  }

  /** Senders use `entry` from now on; nothing more is ever encrypted under an older epoch. */
  #switchSenders(entry: EpochKeys): void {
    const current = this.#current;
    if (current === entry) return;
    current?.sender.close();
    const expiresAt = this.#now() + this.#retentionMs;
    for (const older of this.#epochs.values()) {
      if (older.epoch < entry.epoch) older.expiresAt ??= expiresAt;
    }
    this.#current = entry;
  }

  protect(context: number, plaintext: Uint8Array, metadata: Uint8Array): Promise<ProtectResult> {
    if (!isMediaContext(context)) {
      return Promise.reject(new SFrameError('invalid_argument', 'unknown media context'));
    }
    const entry = this.#current;
    if (!this.#closed && entry !== undefined) {
      const kid = sframeKid(context, entry.ownLeafIndex, entry.epoch);
      if (entry.sender.hasKey(kid)) return entry.sender.protect(kid, plaintext, metadata);
    }
    return this.#protectFirst(context, plaintext, metadata);
  }

  /** The first frame of a context in an epoch: its send key is derived here, once. */
  async #protectFirst(
    context: number,
    plaintext: Uint8Array,
    metadata: Uint8Array,
  ): Promise<ProtectResult> {
    for (;;) {
      if (this.#closed) return { kind: 'refused', reason: 'closed' };
      const entry = this.#current;
      if (entry === undefined) return { kind: 'refused', reason: 'no_epoch' };
      const kid = sframeKid(context, entry.ownLeafIndex, entry.epoch);
      if (entry.sender.hasKey(kid)) return entry.sender.protect(kid, plaintext, metadata);
      try {
        // A concurrent install of the same key keeps the counter (SFrameSender.setKeySecret).
        await entry.sender.setKeySecret(kid, entry.secret);
      } catch (error) {
        // The epoch was replaced while its key was being derived: go round to the new one.
        if (entry === this.#current) throw error;
      }
    }
  }

  unprotect(frame: Uint8Array, metadata: Uint8Array): Promise<KeyRingUnprotectResult> {
    const routed = this.#route(frame);
    if (routed.kind === 'drop') return Promise.resolve(this.#count(routed));
    const { entry, context, senderLeafIndex } = routed;
    return entry.receiver.unprotect(frame, metadata).then((result) => {
      if (result.kind === 'drop') return this.#count(result);
      return { ...result, senderLeafIndex, context, epoch: entry.epoch };
    });
  }

  /** Picks the epoch by the KID's low bits; the KID alone decides, nothing is tried twice. */
  #route(
    frame: Uint8Array,
  ):
    | { kind: 'epoch'; entry: EpochKeys; context: number; senderLeafIndex: number }
    | { kind: 'drop'; reason: DropReason } {
    if (this.#closed) return { kind: 'drop', reason: 'closed' };
    this.prune();
    const header = decodeHeader(frame);
    if (header.kind === 'drop') return header;
    const { context, senderLeafIndex, epochBits: bits } = parseKid(header.kid);
    const entry = this.#epochs.get(bits);
    if (entry === undefined) return { kind: 'drop', reason: 'unknown_epoch' };
    if (!isMediaContext(context)) return { kind: 'drop', reason: 'unknown_kid' };
    if (senderLeafIndex === entry.ownLeafIndex) return { kind: 'drop', reason: 'own_kid' };
    return { kind: 'epoch', entry, context, senderLeafIndex };
  }

  #count(drop: { kind: 'drop'; reason: DropReason }): KeyRingUnprotectResult {
    this.#drops[drop.reason]++;
    return { kind: 'drop', reason: drop.reason };
  }

  /** Deletes epochs past their retention; also done on every `unprotect` and `setEpoch`. */
  prune(): void {
    if (this.#closed) return;
    const now = this.#now();
    for (const entry of this.#epochs.values()) {
      if (entry.expiresAt !== undefined && now >= entry.expiresAt) this.#forget(entry);
    }
  }

  /** Idempotent: forgets every epoch and wipes the key material it holds. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const entry of this.#epochs.values()) this.#forget(entry);
    this.#current?.sender.close();
    this.#current = undefined;
    this.#newest = undefined;
  }

  #forget(entry: EpochKeys): void {
    entry.sender.close();
    entry.receiver.close();
    entry.fingerprint.fill(0);
    if (this.#epochs.get(entry.bits) === entry) this.#epochs.delete(entry.bits);
  }

  #assertOpen(): void {
    if (this.#closed) throw new SFrameError('closed', 'key ring is closed');
  }
}
