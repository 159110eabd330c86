// Bytes at the signaling edge: a socket message's bytes or text, and Base64 — the schemas only
// check its alphabet, so decoding here also refuses non-canonical input (wrong padding, trailing
// bits) instead of guessing.
import type { RawData } from 'ws';

export function fromBase64(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) return undefined;
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');
}

export function epochText(epoch: bigint): string {
  return epoch.toString(10);
}

/** Decimal epochs come validated by the schema (1-20 digits); a value past 2^64 - 1 is refused. */
export function parseEpoch(text: string): bigint | undefined {
  const value = BigInt(text);
  return value < 1n << 64n ? value : undefined;
}

/** A socket message's bytes, however `ws` delivered them. */
export function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

export function toText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data).toString('utf8');
}
