import { readFileSync } from 'node:fs';
import {
  nodeCryptoBackend,
  webCryptoBackend,
  type SFrameCryptoBackend,
} from '../../src/sframe/index.ts';

export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
export const unhex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));

/** Both back ends, so every behavioural test runs on each (vitest `describe.each`). */
export const BACKENDS: ReadonlyArray<{ name: string; make: () => SFrameCryptoBackend }> = [
  { name: 'node', make: nodeCryptoBackend },
  { name: 'webcrypto', make: () => webCryptoBackend(globalThis.crypto.subtle) },
];

export interface HeaderVector {
  kid: bigint;
  ctr: bigint;
  encoded: string;
}
export interface AesCtrHmacVector {
  cipher_suite: number;
  key: string;
  enc_key: string;
  auth_key: string;
  nonce: string;
  aad: string;
  pt: string;
  ct: string;
}
export interface SFrameVector {
  cipher_suite: number;
  kid: bigint;
  ctr: bigint;
  base_key: string;
  sframe_key_label: string;
  sframe_salt_label: string;
  sframe_secret: string;
  sframe_key: string;
  sframe_salt: string;
  metadata: string;
  nonce: string;
  aad: string;
  pt: string;
  ct: string;
}
export interface Vectors {
  header: HeaderVector[];
  aes_ctr_hmac: AesCtrHmacVector[];
  sframe: SFrameVector[];
}

/**
 * Reads the RFC 9605 vectors with `kid` and `ctr` as bigint. `JSON.parse` would round values
 * above 2^53, so those two fields are quoted in the raw text first and converted afterwards.
 */
export function loadVectors(): Vectors {
  const raw = readFileSync(
    new URL('../fixtures/sframe/rfc9605-test-vectors.json', import.meta.url),
    'utf8',
  );
  const quoted = raw.replace(/"(kid|ctr)"\s*:\s*(\d+)/g, '"$1": "$2"');
  return JSON.parse(quoted, (key, value: unknown) => {
    if ((key === 'kid' || key === 'ctr') && typeof value === 'string') return BigInt(value);
    if (typeof value === 'number' && !Number.isSafeInteger(value))
      throw new Error(`unsafe number under ${key}`);
    return value;
  }) as Vectors;
}
