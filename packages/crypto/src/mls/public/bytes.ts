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
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]!]!;
  return out;
}

/** Overwrites secrets the caller no longer needs (style guide: callers wipe consumed secrets). */
export function wipe(secrets: readonly Uint8Array[]): void {
  for (const secret of secrets) secret.fill(0);
}

export const utf8 = new TextEncoder();
