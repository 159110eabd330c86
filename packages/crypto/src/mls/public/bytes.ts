// Small byte helpers shared by both sides of the MLS layer.

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Constant-time for equal lengths; lengths are public in every use here. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

// Hot: map keys for every tree leaf and every pending proposal's keys (a table beats formatting).
// Joined, not appended: `+=` leaves a rope of one heap node per few characters that stays a rope
// while it sits in a Map as a key — about 1.5 KB per 32-byte key instead of 80 bytes, and a
// member holds several keys for every leaf of its tree (a 200-person heap was 44 % such ropes).
export function toHex(bytes: Uint8Array): string {
  const parts = new Array<string>(bytes.length);
  for (let i = 0; i < bytes.length; i++) parts[i] = HEX[bytes[i]!]!;
  return parts.join('');
}

/** Overwrites secrets the caller no longer needs (style guide: callers wipe consumed secrets). */
export function wipe(secrets: readonly Uint8Array[]): void {
  for (const secret of secrets) secret.fill(0);
}

export const utf8 = new TextEncoder();
