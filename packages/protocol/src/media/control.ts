// Relay control messages: the few small messages the relay and a participant exchange on the
// binary media channel besides frames. Layout (docs/media.md):
//
//   0  u8  magic: 0xD1 (family 0xD_, version _1)
//   1  u8  type, then a body of fixed shape per type; trailing bytes are an error
//      1 key_frame_request  u32 stream id                      relay → stream's sender;
//                                                              participant → relay (a receiver
//                                                              that cannot decode asks for one)
//      2 removed            u8 reason                          relay → participant, before close
//      3 subscribe          u8 media-kind mask, u8 flags,      participant → relay
//                           [if flags bit 0: u16 n, n × u32 stream ids]
//      4 frame_refused      u32 stream id, u8 media kind,      relay → a participant whose
//                           u8 reason, u32 frames (≥ 1)         frames it refused (rate-limited)
import { MediaWireError } from './errors.ts';
import {
  ALL_MEDIA_KINDS_MASK,
  isMediaKind,
  mediaKindBit,
  mediaKindCode,
  mediaKindFromCode,
  mediaKinds,
  type MediaKind,
} from './kinds.ts';
import {
  CONTROL_FAMILY,
  CONTROL_MAGIC,
  checkMagic,
  isU32,
  readU16,
  readU32,
  writeU16,
  writeU32,
} from './wire.ts';

/** Why the relay stopped forwarding to a participant and is closing its media channel. */
export type RemovedReason = 'removed' | 'meeting_ended' | 'replaced' | 'relay_closed';
export const removedReasons: readonly RemovedReason[] = [
  'removed',
  'meeting_ended',
  'replaced',
  'relay_closed',
];

/**
 * Why the relay refused a participant's frame and forwarded it to nobody: the envelope's `sender`
 * is not the relay id of the connection it came on, or its stream is not one the server assigned
 * to that connection (another participant's, or nobody's).
 */
export const frameRefusedReasons = ['spoofed_sender', 'stream_not_owned'] as const;
export type FrameRefusedReason = (typeof frameRefusedReasons)[number];

/** Longest explicit stream list in a subscription; a longer selection should use 'all'. */
export const MAX_SUBSCRIBED_STREAMS = 1024;

export type RelayControl =
  | { readonly kind: 'key_frame_request'; readonly streamId: number }
  | { readonly kind: 'removed'; readonly reason: RemovedReason }
  | {
      readonly kind: 'subscribe';
      /** Kinds to receive; a stream is received if its kind is here and it is in `streams`. */
      readonly mediaKinds: readonly MediaKind[];
      readonly streams: 'all' | readonly number[];
    }
  | {
      readonly kind: 'frame_refused';
      /** The stream id and media kind the refused frames carried. */
      readonly streamId: number;
      readonly mediaKind: MediaKind;
      readonly reason: FrameRefusedReason;
      /** Frames of this stream refused for this reason since the previous notice, this one's included. */
      readonly frames: number;
    };

export type ControlErrorCode =
  | 'truncated'
  | 'bad_magic'
  | 'unsupported_version'
  | 'unknown_type'
  | 'bad_reason'
  | 'bad_media_mask'
  | 'bad_media_kind'
  | 'bad_count'
  | 'reserved_flags'
  | 'too_many_streams'
  | 'trailing_bytes';

export type DecodedControl =
  | { readonly kind: 'ok'; readonly control: RelayControl }
  | { readonly kind: 'error'; readonly code: ControlErrorCode };

const TYPE_KEY_FRAME_REQUEST = 1;
const TYPE_REMOVED = 2;
const TYPE_SUBSCRIBE = 3;
const TYPE_FRAME_REFUSED = 4;
const STREAM_LIST_FLAG = 0x01;

export function encodeControl(control: RelayControl): Uint8Array {
  switch (control.kind) {
    case 'key_frame_request': {
      if (!isU32(control.streamId)) invalid('streamId', 'an integer 0..2^32-1');
      const bytes = new Uint8Array(6);
      bytes[0] = CONTROL_MAGIC;
      bytes[1] = TYPE_KEY_FRAME_REQUEST;
      writeU32(bytes, 2, control.streamId);
      return bytes;
    }
    case 'removed': {
      const index = removedReasons.indexOf(control.reason);
      if (index < 0) invalid('reason', 'a known removal reason');
      return Uint8Array.of(CONTROL_MAGIC, TYPE_REMOVED, index + 1);
    }
    case 'subscribe': {
      let mask = 0;
      for (const kind of control.mediaKinds) {
        if (!isMediaKind(kind)) invalid('mediaKinds', 'audio, camera or screen');
        mask |= mediaKindBit(kind);
      }
      const streams = control.streams;
      if (streams === 'all') return Uint8Array.of(CONTROL_MAGIC, TYPE_SUBSCRIBE, mask, 0);
      if (streams.length > MAX_SUBSCRIBED_STREAMS) {
        throw new MediaWireError(
          'too_large',
          'streams',
          `A subscription lists at most ${MAX_SUBSCRIBED_STREAMS} streams.`,
        );
      }
      const bytes = new Uint8Array(6 + 4 * streams.length);
      bytes[0] = CONTROL_MAGIC;
      bytes[1] = TYPE_SUBSCRIBE;
      bytes[2] = mask;
      bytes[3] = STREAM_LIST_FLAG;
      writeU16(bytes, 4, streams.length);
      streams.forEach((id, i) => {
        if (!isU32(id)) invalid('streams', 'integers 0..2^32-1');
        writeU32(bytes, 6 + 4 * i, id);
      });
      return bytes;
    }
    case 'frame_refused': {
      if (!isU32(control.streamId)) invalid('streamId', 'an integer 0..2^32-1');
      if (!isMediaKind(control.mediaKind)) invalid('mediaKind', 'audio, camera or screen');
      const reason = frameRefusedReasons.indexOf(control.reason);
      if (reason < 0) invalid('reason', 'a known refusal reason');
      if (!isU32(control.frames) || control.frames === 0) invalid('frames', 'an integer 1..2^32-1');
      const bytes = new Uint8Array(12);
      bytes[0] = CONTROL_MAGIC;
      bytes[1] = TYPE_FRAME_REFUSED;
      writeU32(bytes, 2, control.streamId);
      bytes[6] = mediaKindCode(control.mediaKind);
      bytes[7] = reason + 1;
      writeU32(bytes, 8, control.frames);
      return bytes;
    }
  }
}

/** Reads a control message. Never throws: anything malformed is `{ kind: 'error', code }`. */
export function decodeControl(bytes: Uint8Array): DecodedControl {
  if (bytes.length < 2) return failure('truncated');
  const magic = checkMagic(bytes[0]!, CONTROL_FAMILY);
  if (magic !== 'ok') return failure(magic);
  switch (bytes[1]) {
    case TYPE_KEY_FRAME_REQUEST:
      return exact(bytes, 6, () => ({ kind: 'key_frame_request', streamId: readU32(bytes, 2) }));
    case TYPE_REMOVED: {
      if (bytes.length < 3) return failure('truncated');
      const reason = removedReasons[bytes[2]! - 1];
      if (reason === undefined) return failure('bad_reason');
      return exact(bytes, 3, () => ({ kind: 'removed', reason }));
    }
    case TYPE_SUBSCRIBE:
      return decodeSubscribe(bytes);
    case TYPE_FRAME_REFUSED:
      return decodeFrameRefused(bytes);
    default:
      return failure('unknown_type');
  }
}

function decodeSubscribe(bytes: Uint8Array): DecodedControl {
  if (bytes.length < 4) return failure('truncated');
  const mask = bytes[2]!;
  if ((mask & ~ALL_MEDIA_KINDS_MASK) !== 0) return failure('bad_media_mask');
  const selected = mediaKinds.filter((kind) => (mask & mediaKindBit(kind)) !== 0);
  const flags = bytes[3]!;
  if ((flags & ~STREAM_LIST_FLAG) !== 0) return failure('reserved_flags');
  if (flags === 0)
    return exact(bytes, 4, () => ({ kind: 'subscribe', mediaKinds: selected, streams: 'all' }));
  if (bytes.length < 6) return failure('truncated');
  const count = readU16(bytes, 4);
  if (count > MAX_SUBSCRIBED_STREAMS) return failure('too_many_streams');
  return exact(bytes, 6 + 4 * count, () => {
    const streams: number[] = [];
    for (let i = 0; i < count; i++) streams.push(readU32(bytes, 6 + 4 * i));
    return { kind: 'subscribe', mediaKinds: selected, streams };
  });
}

function decodeFrameRefused(bytes: Uint8Array): DecodedControl {
  if (bytes.length < 12) return failure('truncated');
  const mediaKind = mediaKindFromCode(bytes[6]!);
  if (mediaKind === undefined) return failure('bad_media_kind');
  const reason = frameRefusedReasons[bytes[7]! - 1];
  if (reason === undefined) return failure('bad_reason');
  const frames = readU32(bytes, 8);
  if (frames === 0) return failure('bad_count');
  return exact(bytes, 12, () => ({
    kind: 'frame_refused',
    streamId: readU32(bytes, 2),
    mediaKind,
    reason,
    frames,
  }));
}

function exact(bytes: Uint8Array, length: number, read: () => RelayControl): DecodedControl {
  if (bytes.length < length) return failure('truncated');
  if (bytes.length > length) return failure('trailing_bytes');
  return { kind: 'ok', control: read() };
}

function failure(code: ControlErrorCode): DecodedControl {
  return { kind: 'error', code };
}

function invalid(field: string, expected: string): never {
  throw new MediaWireError('invalid_field', field, `Control field ${field} must be ${expected}.`);
}
