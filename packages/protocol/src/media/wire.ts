// Byte-level helpers shared by the media envelope and the relay control messages. Both travel on
// the same binary media channel, so the first byte says which family a message belongs to (high
// nibble) and which version of that family's layout follows (low nibble).

/** High nibble of byte 0 for a media frame envelope. */
export const FRAME_FAMILY = 0xc0;
/** High nibble of byte 0 for a relay control message. */
export const CONTROL_FAMILY = 0xd0;
/** The only layout version this code reads and writes, for both families. */
export const WIRE_VERSION = 1;

export const FRAME_MAGIC = FRAME_FAMILY | WIRE_VERSION;
export const CONTROL_MAGIC = CONTROL_FAMILY | WIRE_VERSION;

export type MediaMessageFamily = 'frame' | 'control' | 'unknown';

/** Which decoder a message on the media channel is for, from its first byte alone. */
export function mediaMessageFamily(bytes: Uint8Array): MediaMessageFamily {
  const first = bytes[0];
  if (first === undefined) return 'unknown';
  const family = first & 0xf0;
  if (family === FRAME_FAMILY) return 'frame';
  if (family === CONTROL_FAMILY) return 'control';
  return 'unknown';
}

/** 'ok', or why byte 0 is not `family` at WIRE_VERSION. */
export function checkMagic(
  first: number,
  family: number,
): 'ok' | 'bad_magic' | 'unsupported_version' {
  if ((first & 0xf0) !== family) return 'bad_magic';
  return (first & 0x0f) === WIRE_VERSION ? 'ok' : 'unsupported_version';
}

export function isU8(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= 0xff;
}

export function isU32(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= 0xffff_ffff;
}

/** Big-endian u32 at `offset`; the caller has checked the length. */
export function readU32(bytes: Uint8Array, offset: number): number {
  return (
    ((bytes[offset]! << 24) |
      (bytes[offset + 1]! << 16) |
      (bytes[offset + 2]! << 8) |
      bytes[offset + 3]!) >>>
    0
  );
}

export function writeU32(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value >>> 24;
  bytes[offset + 1] = (value >>> 16) & 0xff;
  bytes[offset + 2] = (value >>> 8) & 0xff;
  bytes[offset + 3] = value & 0xff;
}

export function readU16(bytes: Uint8Array, offset: number): number {
  return (bytes[offset]! << 8) | bytes[offset + 1]!;
}

export function writeU16(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value >>> 8;
  bytes[offset + 1] = value & 0xff;
}
