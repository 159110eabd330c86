// Publishing and receiving encoded frames: SFrame through the frame protector (an epoch key
// ring, here or in a worker), inside the media envelope whose 20 header bytes are SFrame's authenticated metadata (docs/media.md). Receiving
// never throws: each envelope is decrypted or dropped with a counted reason. Before decrypting,
// the frame's key id must fit its envelope: the kind matches the KID context, and the KID's
// sender leaf belongs to the envelope's sender (SenderBinding).
import { MediaContext, decodeHeader, parseKid, type MediaContextId } from '@conclave/crypto/member';
import type { Clock } from '../clock.ts';
import {
  decodeEnvelope,
  encodeEnvelopeHeader,
  ENVELOPE_HEADER_BYTES,
  MAX_ENVELOPE_BYTES,
  streamIdOf,
  type FrameRefusedReason,
  type MediaKind,
} from '../wire.ts';
import type { FrameProtector } from './frame-protector.ts';
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
  | { readonly kind: 'sent'; readonly streamId: number; readonly bytes: number }
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
}

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
  #sending = true;

  constructor(options: MediaSessionOptions) {
    this.#o = options;
    this.stalls = new SenderStalls(
      options.clock,
      (relayId) => options.binding.holderOf(relayId),
      (change) => options.stalled?.(change),
    );
  }

  /** After leaving or removal: nothing more is encrypted (receiving may go on for a while). */
  stopSending(): void {
    this.#sending = false;
  }

  resumeSending(): void {
    this.#sending = true;
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
    return { kind: 'sent', streamId, bytes: envelope.length };
  }

  /** One envelope from the relay (or from anywhere else): a decrypted frame or a counted drop. */
  async ingest(bytes: Uint8Array): Promise<IngestResult> {
    const result = await this.#ingest(bytes);
    if (result.kind === 'frame') {
      this.stats.decrypted(result.frame.sender.relayId);
      this.stalls.decrypted(result.frame.sender.relayId);
    } else {
      this.stats.dropped(result.reason, result.relayId);
      this.stalls.dropped(result.relayId, result.reason);
    }
    return result;
  }

  async #ingest(bytes: Uint8Array): Promise<IngestResult> {
    const decoded = decodeEnvelope(bytes);
    if (decoded.kind === 'error') {
      this.stats.received(undefined);
      return drop('malformed_envelope', undefined);
    }
    const { envelope, header, payload } = decoded;
    const relayId = envelope.sender;
    this.stats.received(relayId);
    if (relayId === this.#o.relayId()) return drop('own_frame', relayId);
    const ring = this.#o.ring();
    if (ring?.currentEpoch === undefined) return drop('no_keys', relayId);
    const sframeHeader = decodeHeader(payload);
    if (sframeHeader.kind === 'drop') return drop(sframeHeader.reason, relayId);
    const kid = parseKid(sframeHeader.kid);
    if (kid.context !== CONTEXT[envelope.mediaKind]) return drop('kind_mismatch', relayId);
    const verdict = this.#o.binding.check(relayId, kid.senderLeafIndex);
    if (verdict !== 'ok') return drop(verdict, relayId);
    const result = await ring.unprotect(payload, header);
    if (result.kind === 'drop') return drop(result.reason, relayId);
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
        epoch: result.epoch ?? ring.currentEpoch,
        data: result.plaintext,
      },
    };
  }
}

function drop(reason: FrameDropReason, relayId: number | undefined): IngestResult {
  return { kind: 'dropped', reason, relayId };
}
