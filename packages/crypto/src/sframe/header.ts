import { SFrameError } from './errors.ts';

// RFC 9605 §4.3. Config byte: X(1) K(3) Y(1) C(3). A value 0-7 sits in K or C with its flag
// clear; anything larger follows the config byte in the fewest big-endian bytes, KID first, with
// K or C holding that length minus one.

export const MAX_UINT64 = (1n << 64n) - 1n;
/** The longest header: config byte, 8-byte KID, 8-byte CTR. */
export const MAX_HEADER_LENGTH = 17;

export type HeaderResult =
  | { kind: 'ok'; kid: bigint; ctr: bigint; length: number }
  | { kind: 'drop'; reason: 'malformed_header' };

const MALFORMED: HeaderResult = Object.freeze({ kind: 'drop', reason: 'malformed_header' });

export function encodeHeader(kid: bigint, ctr: bigint): Uint8Array {
  const out = new Uint8Array(headerLength(kid, ctr));
  writeHeader(out, kid, ctr);
  return out;
}

/** Bytes the header for (kid, ctr) takes; throws when either is outside 64 bits. */
export function headerLength(kid: bigint, ctr: bigint): number {
  if (kid < 0n || kid > MAX_UINT64 || ctr < 0n || ctr > MAX_UINT64) {
    throw new SFrameError(
      'invalid_argument',
      'SFrame KID and CTR must be unsigned 64-bit integers',
    );
  }
  return 1 + valueLength(kid) + valueLength(ctr);
}

/** Writes the header at the start of `out` (which has room for it); returns its length. */
export function writeHeader(out: Uint8Array, kid: bigint, ctr: bigint): number {
  const kidLen = valueLength(kid);
  const ctrLen = valueLength(ctr);
  const k = kidLen === 0 ? Number(kid) : 0x08 | (kidLen - 1);
  const c = ctrLen === 0 ? Number(ctr) : 0x08 | (ctrLen - 1);
  out[0] = (k << 4) | c;
  writeUint(out, 1, kidLen, kid);
  writeUint(out, 1 + kidLen, ctrLen, ctr);
  return 1 + kidLen + ctrLen;
}

/**
 * Parses the header at the start of `bytes`. Never throws. Non-minimal encodings are refused:
 * RFC 9605 says the minimum length MUST be used, and one spelling per (KID, CTR) keeps the
 * header a canonical function of the values it authenticates.
 */
export function decodeHeader(bytes: Uint8Array): HeaderResult {
  const config = bytes[0];
  if (config === undefined) return MALFORMED;
  const kField = (config >> 4) & 0x07;
  const cField = config & 0x07;
  const kidLen = config & 0x80 ? kField + 1 : 0;
  const ctrLen = config & 0x08 ? cField + 1 : 0;
  const length = 1 + kidLen + ctrLen;
  if (bytes.length < length) return MALFORMED;
  let kid = BigInt(kField);
  if (kidLen > 0) {
    if (bytes[1] === 0) return MALFORMED;
    kid = readUint(bytes, 1, kidLen);
    if (kid < 8n) return MALFORMED;
  }
  let ctr = BigInt(cField);
  if (ctrLen > 0) {
    if (bytes[1 + kidLen] === 0) return MALFORMED;
    ctr = readUint(bytes, 1 + kidLen, ctrLen);
    if (ctr < 8n) return MALFORMED;
  }
  return { kind: 'ok', kid, ctr, length };
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

// 0 for a value carried in the config byte, else its minimal big-endian length. Values below
// 2^53 take the double path: this runs for every frame sent.
function valueLength(value: bigint): number {
  if (value < 8n) return 0;
  if (value <= MAX_SAFE) {
    const n = Number(value);
    let len = 1;
    for (let limit = 256; n >= limit && len < 7; limit *= 256) len++;
    return len;
  }
  return value >= 1n << 56n ? 8 : 7;
}

function writeUint(out: Uint8Array, offset: number, len: number, value: bigint): void {
  if (value <= MAX_SAFE) {
    let n = Number(value);
    for (let i = offset + len - 1; i >= offset; i--) {
      out[i] = n % 256;
      n = Math.floor(n / 256);
    }
    return;
  }
  for (let i = offset + len - 1; i >= offset; i--) {
    out[i] = Number(value & 0xffn);
    value >>= 8n;
  }
}

// Up to six bytes fit a double exactly, which keeps the common short headers off the bigint path.
function readUint(bytes: Uint8Array, offset: number, len: number): bigint {
  if (len <= 6) {
    let n = 0;
    for (let i = offset; i < offset + len; i++) n = n * 256 + (bytes[i] ?? 0);
    return BigInt(n);
  }
  let v = 0n;
  for (let i = offset; i < offset + len; i++) v = (v << 8n) | BigInt(bytes[i] ?? 0);
  return v;
}
