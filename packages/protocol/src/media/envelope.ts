// The media frame envelope: the part of every media frame the relay may read. Layout (docs/media.md):
//
//   0  u8   magic: 0xC1 (family 0xC_, version _1)
//   1  u8   media kind: 1 audio, 2 camera, 3 screen
//   2  u8   flags: bit 0 key frame; bits 1-7 reserved, must be 0
//   3  u8   layer (simulcast / SVC layer, 0 = base)
//   4  u32  stream id, meeting-scoped
//   8  u32  sender: the participant's relay id
//  12  u64  timestamp in µs, at most 2^53 - 1
//  20  ...  the SFrame frame (RFC 9605 header + ciphertext + tag), at least one byte
//
// Bytes 0-19 are passed to SFrame as metadata (authenticated, not encrypted), so the relay can
// read them but nobody can alter them without the frame failing to decrypt.
import { MediaWireError } from './errors.ts';
import { mediaKindCode, mediaKindFromCode, type MediaKind } from './kinds.ts';
import { FRAME_FAMILY, FRAME_MAGIC, checkMagic, isU32, isU8, readU32, writeU32 } from './wire.ts';

export const ENVELOPE_HEADER_BYTES = 20;
/** Largest envelope (header + SFrame frame) anyone may send or the relay will forward. */
export const MAX_ENVELOPE_BYTES = 256 * 1024;
/** Largest timestamp: µs fit a JS number exactly up to 2^53 - 1 (about 285 years). */
export const MAX_TIMESTAMP_US = Number.MAX_SAFE_INTEGER;

const KEY_FRAME_FLAG = 0x01;
const TWO_POW_32 = 0x1_0000_0000;

export interface EnvelopeFields {
  readonly mediaKind: MediaKind;
  /** The frame decodes without earlier frames of its stream. Meaningless for audio. */
  readonly keyFrame: boolean;
  /** Simulcast / SVC layer, 0..255. */
  readonly layer: number;
  /** Meeting-scoped stream id, u32. */
  readonly streamId: number;
  /** The sender's relay id, u32; must equal the id the relay authenticated. */
  readonly sender: number;
  /** Capture time in µs (the WebCodecs `timestamp` unit), 0..MAX_TIMESTAMP_US. */
  readonly timestampUs: number;
}

export type Envelope = EnvelopeFields;

export type EnvelopeErrorCode =
  | 'truncated'
  | 'too_large'
  | 'bad_magic'
  | 'unsupported_version'
  | 'bad_media_kind'
  | 'reserved_flags'
  | 'timestamp_out_of_range'
  | 'empty_payload';

export const envelopeErrorCodes: readonly EnvelopeErrorCode[] = [
  'truncated',
  'too_large',
  'bad_magic',
  'unsupported_version',
  'bad_media_kind',
  'reserved_flags',
  'timestamp_out_of_range',
  'empty_payload',
];

export type DecodedEnvelope =
  | {
      readonly kind: 'ok';
      readonly envelope: Envelope;
      /** Exactly the bytes to pass to SFrame as metadata (a view into the input). */
      readonly header: Uint8Array;
      /** The SFrame frame (a view into the input). */
      readonly payload: Uint8Array;
    }
  | { readonly kind: 'error'; readonly code: EnvelopeErrorCode };

/** The 20 header bytes: what a sender passes to SFrame as metadata before appending the frame. */
export function encodeEnvelopeHeader(fields: EnvelopeFields): Uint8Array {
  const header = new Uint8Array(ENVELOPE_HEADER_BYTES);
  writeHeader(header, fields);
  return header;
}

/** Header followed by the SFrame frame, as one message for the media channel. */
export function encodeEnvelope(fields: EnvelopeFields, sframeBytes: Uint8Array): Uint8Array {
  if (sframeBytes.length === 0) {
    throw new MediaWireError('invalid_field', 'payload', 'The SFrame frame is empty.');
  }
  const total = ENVELOPE_HEADER_BYTES + sframeBytes.length;
  if (total > MAX_ENVELOPE_BYTES) {
    throw new MediaWireError(
      'too_large',
      'payload',
      `An envelope is at most ${MAX_ENVELOPE_BYTES} bytes.`,
    );
  }
  const bytes = new Uint8Array(total);
  writeHeader(bytes, fields);
  bytes.set(sframeBytes, ENVELOPE_HEADER_BYTES);
  return bytes;
}

/** Reads an envelope. Never throws: anything malformed is `{ kind: 'error', code }`. */
export function decodeEnvelope(bytes: Uint8Array): DecodedEnvelope {
  const length = bytes.length;
  if (length > MAX_ENVELOPE_BYTES) return failure('too_large');
  const first = bytes[0];
  if (first === undefined) return failure('truncated');
  const magic = checkMagic(first, FRAME_FAMILY);
  if (magic !== 'ok') return failure(magic);
  if (length < ENVELOPE_HEADER_BYTES) return failure('truncated');
  const mediaKind = mediaKindFromCode(bytes[1]!);
  if (mediaKind === undefined) return failure('bad_media_kind');
  const flags = bytes[2]!;
  if ((flags & ~KEY_FRAME_FLAG) !== 0) return failure('reserved_flags');
  const timestampHigh = readU32(bytes, 12);
  // 2^53 - 1 = 0x1F_FFFF_FFFF_FFFF: the high word may use 21 bits.
  if (timestampHigh > 0x1f_ffff) return failure('timestamp_out_of_range');
  if (length === ENVELOPE_HEADER_BYTES) return failure('empty_payload');
  return {
    kind: 'ok',
    envelope: {
      mediaKind,
      keyFrame: (flags & KEY_FRAME_FLAG) !== 0,
      layer: bytes[3]!,
      streamId: readU32(bytes, 4),
      sender: readU32(bytes, 8),
      timestampUs: timestampHigh * TWO_POW_32 + readU32(bytes, 16),
    },
    header: bytes.subarray(0, ENVELOPE_HEADER_BYTES),
    payload: bytes.subarray(ENVELOPE_HEADER_BYTES),
  };
}

function failure(code: EnvelopeErrorCode): DecodedEnvelope {
  return { kind: 'error', code };
}

function writeHeader(target: Uint8Array, fields: EnvelopeFields): void {
  const kindCode = mediaKindCode(fields.mediaKind) as number | undefined;
  if (kindCode === undefined) invalid('mediaKind', 'audio, camera or screen');
  if (typeof fields.keyFrame !== 'boolean') invalid('keyFrame', 'a boolean');
  if (!isU8(fields.layer)) invalid('layer', 'an integer 0..255');
  if (!isU32(fields.streamId)) invalid('streamId', 'an integer 0..2^32-1');
  if (!isU32(fields.sender)) invalid('sender', 'an integer 0..2^32-1');
  const ts = fields.timestampUs;
  if (!Number.isSafeInteger(ts) || ts < 0) invalid('timestampUs', 'an integer 0..2^53-1');
  target[0] = FRAME_MAGIC;
  target[1] = kindCode;
  target[2] = fields.keyFrame ? KEY_FRAME_FLAG : 0;
  target[3] = fields.layer;
  writeU32(target, 4, fields.streamId);
  writeU32(target, 8, fields.sender);
  writeU32(target, 12, Math.floor(ts / TWO_POW_32));
  writeU32(target, 16, ts % TWO_POW_32);
}

function invalid(field: string, expected: string): never {
  throw new MediaWireError('invalid_field', field, `Envelope field ${field} must be ${expected}.`);
}
