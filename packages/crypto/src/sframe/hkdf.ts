import type { HmacKey, SFrameCryptoBackend } from './backend.ts';
import type { HashName } from './suites.ts';

export const HASH_LENGTH: Record<HashName, number> = { 'SHA-256': 32, 'SHA-512': 64 };

/**
 * HKDF-Extract (RFC 5869 §2.2). An empty salt means HashLen zero bytes, which is also what lets
 * WebCrypto (it refuses empty HMAC keys) compute it.
 */
export function hkdfExtract(
  backend: SFrameCryptoBackend,
  hash: HashName,
  salt: Uint8Array,
  ikm: Uint8Array,
): Promise<Uint8Array> {
  return hkdfExtractKey(backend, hash, salt).then((key) => key.sign(ikm));
}

function hkdfExtractKey(
  backend: SFrameCryptoBackend,
  hash: HashName,
  salt: Uint8Array,
): Promise<HmacKey> {
  return backend.importHmacKey(hash, salt.length === 0 ? new Uint8Array(HASH_LENGTH[hash]) : salt);
}

/** HKDF-Expand (RFC 5869 §2.3) with the PRK already imported as an HMAC key. */
export async function hkdfExpand(
  prk: HmacKey,
  hash: HashName,
  info: Uint8Array,
  length: number,
): Promise<Uint8Array> {
  const hashLength = HASH_LENGTH[hash];
  const blocks = Math.ceil(length / hashLength);
  if (!Number.isInteger(length) || length < 0 || blocks > 255)
    throw new RangeError('HKDF-Expand length out of range');
  const okm = new Uint8Array(length);
  let previous: Uint8Array = new Uint8Array(0);
  for (let i = 1; i <= blocks; i++) {
    const input = new Uint8Array(previous.length + info.length + 1);
    input.set(previous, 0);
    input.set(info, previous.length);
    input[input.length - 1] = i;
    const block = await prk.sign(input);
    previous.fill(0);
    input.fill(0);
    okm.set(
      block.subarray(0, Math.min(hashLength, length - (i - 1) * hashLength)),
      (i - 1) * hashLength,
    );
    previous = block;
  }
  previous.fill(0);
  return okm;
}
