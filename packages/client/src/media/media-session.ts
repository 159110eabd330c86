// Publishing and receiving encoded frames: SFrame through the frame protector (an epoch key
// ring, here or in a worker), inside the media envelope whose 20 header bytes are SFrame's
// authenticated metadata (docs/media.md). Receiving never throws: each envelope is decrypted,
// held back until its epoch is in place (hold-back.ts), or dropped with a counted reason. Before
// decrypting, the frame's key id must fit its envelope: the kind matches the KID context, and the
// KID's sender leaf belongs to the envelope's sender (SenderBinding).
import {
  MediaContext,
  SFRAME_EPOCH_BITS,
  decodeHeader,
  parseKid,
  type MediaContextId,
} from '@conclave/crypto/member';
import type { Clock } from '../clock.ts';
import {
  decodeEnvelope,
  encodeControl,
  encodeEnvelopeHeader,
  mediaKinds,
  ENVELOPE_HEADER_BYTES,
  MAX_ENVELOPE_BYTES,
  streamIdOf,
  type FrameRefusedReason,
  type MediaKind,
} from '../wire.ts';
import type { FrameProtector } from './frame-protector.ts';
import { HoldBack, type HoldBackLimits } from './hold-back.ts';
import type { SenderBinding } from './sender-binding.ts';
import { SenderStalls, type StallChange } from './sender-stalls.ts';
import { FrameStats, type FrameDropReason } from './stats.ts';

export interface PublishOptions {
  /** Decodable without earlier frames of the stream (always true for audio). */
  readonly keyFrame?: boolean;
  /** Simulcast / SVC layer; default 0. */
  readonly layer?: number;
  /** Capture time in µs; default the clock's time. */
  readonly timestampUs?: number;
}

export type PublishResult =
  | {
      readonly kind: 'sent';
      readonly streamId: number;
      readonly bytes: number;
      /** The SFrame key id the frame went under: its low bits name the epoch (RFC 9605 §5.2). */
      readonly kid: bigint;
    }
  | {
      readonly kind: 'not_sent';
      readonly reason:
        | 'not_connected'
        | 'no_keys'
        | 'backpressure'
        | 'closed'
        | 'counter_exhausted'
        | 'unknown_kid'
        /** Over the envelope limit (256 KiB): the relay would refuse it. Encode it smaller. */
        | 'too_large';
    };

export interface SenderInfo {
  readonly relayId: number;
  readonly leafIndex: number;
  readonly participantId?: string;
  readonly userId?: string;
  readonly displayName?: string;
}

export interface ReceivedFrame {
  readonly sender: SenderInfo;
  readonly mediaKind: MediaKind;
  readonly streamId: number;
  readonly keyFrame: boolean;
  readonly layer: number;
  readonly timestampUs: number;
  readonly epoch: bigint;
  readonly data: Uint8Array;
}

export type IngestResult =
  | { readonly kind: 'frame'; readonly frame: ReceivedFrame }
  /** Under an epoch not reached yet: decrypted (or dropped) when it is, see `epochInstalled`. */
  | { readonly kind: 'held'; readonly relayId: number }
  | {
      readonly kind: 'dropped';
      readonly reason: FrameDropReason;
      readonly relayId: number | undefined;
    };

export interface MediaSessionOptions {
  readonly clock: Clock;
  readonly ring: () => FrameProtector | undefined;
  readonly binding: SenderBinding;
  /** This participant's relay id, once joined. */
  readonly relayId: () => number | undefined;
  readonly send: (bytes: Uint8Array) => boolean;
  readonly bufferedAmount: () => number;
  readonly describe: (relayId: number, leafIndex: number) => SenderInfo;
  /** Above this many queued bytes, video frames are not sent (audio still is). Default 1 MiB. */
  readonly maxBufferedBytes?: number;
  /** A sender's frames have been refused for a while (sender-stalls.ts), or decrypt again. */
  readonly stalled?: (change: StallChange) => void;
  readonly holdBack?: HoldBackLimits;
  /**
   * E2EE: nothing can be decrypted before this member's first epoch (its Welcome), so the relay
   * is asked for no media until then, and for what the app subscribed to (default all) after.
   */
  readonly waitForKeys?: boolean;
}

const EPOCH_SPACE = 2 ** SFRAME_EPOCH_BITS;

const CONTEXT: Record<MediaKind, MediaContextId> = {
  audio: MediaContext.audio,
  camera: MediaContext.camera,
  screen: MediaContext.screen,
};
/**
 * This participant's stream of `kind`: assigned by the server with the relay id, and the only one
 * the relay forwards for it (docs/media.md).
 */
export function streamIdFor(relayId: number, kind: MediaKind): number {
  return streamIdOf(relayId, kind);
}

export class MediaSession {
  readonly stats = new FrameStats();
  readonly stalls: SenderStalls;
  readonly #o: MediaSessionOptions;
  readonly #held: HoldBack;
  /** The first epoch of the current key ring: frames of older epochs were never for us. */
  #first: { readonly ring: FrameProtector; readonly epoch: bigint } | undefined;
  #sending = true;
  #holding = true;
  /** What the app asked to receive; the relay gets nothing while waiting for keys. */
  #wanted: readonly MediaKind[] = mediaKinds;
  #waitingForKeys: boolean;

  constructor(options: MediaSessionOptions) {
    this.#o = options;
    this.#held = new HoldBack(options.clock, options.holdBack);
    this.#waitingForKeys = options.waitForKeys === true;
    if (this.#waitingForKeys) this.#subscribe([]);
    this.stalls = new SenderStalls(
      options.clock,
      (relayId) => options.binding.holderOf(relayId),
      (change) => options.stalled?.(change),
    );
  }

  /**
   * After leaving or removal: nothing more is encrypted, and no epoch will come to wait for —
   * frames held back are dropped and none is held any more (receiving may go on for a while).
   */
  stopSending(): void {
    this.#sending = false;
    this.#holding = false;
    this.dropHeld();
  }

  resumeSending(): void {
    this.#sending = true;
    this.#holding = true;
  }

  /**
   * The relay refused `frames` frames this participant sent (it says so at most once per stream
   * and reason per second): they count as refused, no longer as sent.
   */
  refusedByRelay(reason: FrameRefusedReason, frames: number): void {
    this.stats.refused(reason, frames);
  }

  async publish(
    kind: MediaKind,
    data: Uint8Array,
    options: PublishOptions = {},
  ): Promise<PublishResult> {
    const result = await this.#publish(kind, data, options);
    if (result.kind === 'sent') this.stats.sent();
    else this.stats.notSent();
    return result;
  }

  async #publish(
    kind: MediaKind,
    data: Uint8Array,
    options: PublishOptions,
  ): Promise<PublishResult> {
    if (!this.#sending) return { kind: 'not_sent', reason: 'closed' };
    const relayId = this.#o.relayId();
    const ring = this.#o.ring();
    if (relayId === undefined) return { kind: 'not_sent', reason: 'not_connected' };
    if (ring?.currentEpoch === undefined) return { kind: 'not_sent', reason: 'no_keys' };
    if (kind !== 'audio' && this.#o.bufferedAmount() > (this.#o.maxBufferedBytes ?? 1024 * 1024)) {
      return { kind: 'not_sent', reason: 'backpressure' };
    }
    const streamId = streamIdFor(relayId, kind);
    const header = encodeEnvelopeHeader({
      mediaKind: kind,
      keyFrame: kind === 'audio' ? true : options.keyFrame === true,
      layer: options.layer ?? 0,
      streamId,
      sender: relayId,
      timestampUs: options.timestampUs ?? this.#o.clock.now() * 1000,
    });
    const protectedFrame = await ring.protect(CONTEXT[kind], data, header);
    if (protectedFrame.kind === 'refused') {
      const reason = protectedFrame.reason === 'no_epoch' ? 'no_keys' : protectedFrame.reason;
      return { kind: 'not_sent', reason };
    }
    // The relay refuses a longer envelope without telling anyone: not sent, and said here.
    const size = ENVELOPE_HEADER_BYTES + protectedFrame.frame.length;
    if (size > MAX_ENVELOPE_BYTES) return { kind: 'not_sent', reason: 'too_large' };
    const envelope = new Uint8Array(size);
    envelope.set(header);
    envelope.set(protectedFrame.frame, ENVELOPE_HEADER_BYTES);
    if (!this.#o.send(envelope)) return { kind: 'not_sent', reason: 'not_connected' };
    return { kind: 'sent', streamId, bytes: envelope.length, kid: protectedFrame.kid };
  }

  /**
   * One envelope from the relay (or from anywhere else): a decrypted frame, a counted drop, or
   * held back until its epoch is in place. Frames held too long are dropped (and counted) here.
   */
  async ingest(bytes: Uint8Array): Promise<IngestResult> {
    for (const frame of this.#held.expire()) this.#count(drop(this.#missing(), frame.relayId));
    return this.#count(await this.#ingest(bytes, undefined));
  }

  /**
   * An epoch is in place (the caller set it on the key ring): the frames held back are decrypted
   * now, in the order they came, or held on if their epoch is newer still.
   */
  async epochInstalled(epoch: bigint): Promise<IngestResult[]> {
    if (this.#waitingForKeys) {
      this.#waitingForKeys = false;
      this.#subscribe(this.#wanted);
    }
    const ring = this.#o.ring();
    if (ring !== undefined && this.#first?.ring !== ring) this.#first = { ring, epoch };
    const results: IngestResult[] = [];
    for (const frame of this.#held.take()) {
      results.push(this.#count(await this.#ingest(frame.bytes, frame.heldAt)));
    }
    return results;
  }

  /** Receive only these kinds from the relay (from the first epoch on, when waiting for keys). */
  subscribe(kinds: readonly MediaKind[]): boolean {
    this.#wanted = kinds;
    return this.#waitingForKeys || this.#subscribe(kinds);
  }

  #subscribe(kinds: readonly MediaKind[]): boolean {
    return this.#o.send(encodeControl({ kind: 'subscribe', mediaKinds: kinds, streams: 'all' }));
  }

  /** Frames still held are forgotten (leaving, or a new group), counted as never decrypted. */
  dropHeld(): void {
    for (const frame of this.#held.take()) this.#count(drop(this.#missing(), frame.relayId));
  }

  #count(result: IngestResult): IngestResult {
    if (result.kind === 'frame') {
      this.stats.decrypted(result.frame.sender.relayId);
      this.stalls.decrypted(result.frame.sender.relayId);
    } else if (result.kind === 'dropped') {
      this.stats.dropped(result.reason, result.relayId);
      this.stalls.dropped(result.relayId, result.reason);
    }
    return result;
  }

  /** `heldAt`: when a frame handed back from the hold was first held (it was counted then). */
  async #ingest(bytes: Uint8Array, heldAt: number | undefined): Promise<IngestResult> {
    const decoded = decodeEnvelope(bytes);
    if (decoded.kind === 'error') {
      this.stats.received(undefined);
      return drop('malformed_envelope', undefined);
    }
    const { envelope, header, payload } = decoded;
    const relayId = envelope.sender;
    if (heldAt === undefined) this.stats.received(relayId);
    if (relayId === this.#o.relayId()) return drop('own_frame', relayId);
    const sframeHeader = decodeHeader(payload);
    if (sframeHeader.kind === 'drop') return drop(sframeHeader.reason, relayId);
    const kid = parseKid(sframeHeader.kid);
    const ring = this.#o.ring();
    const newest = ring?.newestEpoch;
    if (ring === undefined || newest === undefined || epochsAhead(kid.epochBits, newest) > 0) {
      // Not reached yet (even the sender's leaf may be new): judged once the epoch is in place.
      if (this.#holding && this.#held.hold(relayId, bytes, heldAt))
        return { kind: 'held', relayId };
      return drop(this.#missing(), relayId);
    }
    if (kid.context !== CONTEXT[envelope.mediaKind]) return drop('kind_mismatch', relayId);
    const verdict = this.#o.binding.check(relayId, kid.senderLeafIndex);
    if (verdict !== 'ok') return drop(verdict, relayId);
    const result = await ring.unprotect(payload, header);
    if (result.kind === 'drop') {
      const beforeJoin = result.reason === 'unknown_epoch' && this.#beforeJoin(ring, kid.epochBits);
      return drop(beforeJoin ? 'before_join' : result.reason, relayId);
    }
    this.#o.binding.confirm(relayId, kid.senderLeafIndex);
    return {
      kind: 'frame',
      frame: {
        sender: this.#o.describe(relayId, kid.senderLeafIndex),
        mediaKind: envelope.mediaKind,
        streamId: envelope.streamId,
        keyFrame: envelope.keyFrame,
        layer: envelope.layer,
        timestampUs: envelope.timestampUs,
        epoch: result.epoch ?? newest,
        data: result.plaintext,
      },
    };
  }

  /** Why a frame that waited for its epoch in vain is lost. */
  #missing(): FrameDropReason {
    return this.#o.ring()?.newestEpoch === undefined ? 'no_keys' : 'unknown_epoch';
  }

  /** A frame under an epoch (by its low bits, behind the newest) older than the ring's first. */
  #beforeJoin(ring: FrameProtector, bits: number): boolean {
    const newest = ring.newestEpoch;
    const first = this.#first;
    if (newest === undefined || first?.ring !== ring) return false;
    const behind = (Number(newest % BigInt(EPOCH_SPACE)) - bits + EPOCH_SPACE) % EPOCH_SPACE;
    return newest - BigInt(behind) < first.epoch;
  }
}

/**
 * How many epochs the frame's epoch (by its low bits) is ahead of `newest`: 0 for the same or an
 * older one. Half the bit space ahead counts as ahead, the other half as behind (RFC 9605 §5.2
 * leaves the rest to the application).
 */
function epochsAhead(bits: number, newest: bigint): number {
  const ahead = (bits - Number(newest % BigInt(EPOCH_SPACE)) + EPOCH_SPACE) % EPOCH_SPACE;
  return ahead < EPOCH_SPACE / 2 ? ahead : 0;
}

function drop(reason: FrameDropReason, relayId: number | undefined): IngestResult {
  return { kind: 'dropped', reason, relayId };
}
