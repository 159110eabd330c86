import type { HashName, SuiteParams } from './suites.ts';

/** An HMAC key imported once; HKDF-Expand and the RFC 9605 §4.5.1 tag are built on it. */
export interface HmacKey {
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/**
 * An AEAD key of one suite, imported once per KID so that no frame pays for key setup. The
 * compound AES-CTR + HMAC AEAD of RFC 9605 §4.5.1 hides behind the same shape as AES-GCM.
 * The AAD is always `header || metadata` (RFC 9605 §4.4.3), passed in its two parts so a back end
 * that can feed AAD piecewise never has to join them.
 */
export interface AeadKey {
  /** Returns `header || ciphertext || tag`: the SFrame ciphertext in one buffer. */
  seal(
    nonce: Uint8Array,
    header: Uint8Array,
    metadata: Uint8Array,
    plaintext: Uint8Array,
  ): Promise<Uint8Array>;
  /** `ciphertext` is `ct || tag`. Resolves to null when authentication fails; never rejects. */
  open(
    nonce: Uint8Array,
    header: Uint8Array,
    metadata: Uint8Array,
    ciphertext: Uint8Array,
  ): Promise<Uint8Array | null>;
  /**
   * Synchronous forms, offered by back ends that can (node:crypto). The frame path uses them
   * when present: a promise per layer costs more than the cipher on small frames. The nonce
   * buffer may be reused once they return.
   */
  sealSync?(
    nonce: Uint8Array,
    header: Uint8Array,
    metadata: Uint8Array,
    plaintext: Uint8Array,
  ): Uint8Array;
  openSync?(
    nonce: Uint8Array,
    header: Uint8Array,
    metadata: Uint8Array,
    ciphertext: Uint8Array,
  ): Uint8Array | null;
}

/**
 * The primitives SFrame needs. Async so that WebCrypto fits; the node:crypto back end answers
 * synchronously underneath. Imported keys copy their bytes: callers may wipe what they passed.
 */
export interface SFrameCryptoBackend {
  readonly name: 'node' | 'webcrypto';
  importHmacKey(hash: HashName, key: Uint8Array): Promise<HmacKey>;
  /** `key` is AEAD.Nk bytes of `suite` (for AES-CTR suites: enc_key || auth_key). */
  importAeadKey(suite: SuiteParams, key: Uint8Array): Promise<AeadKey>;
}

/** RFC 9605 §4.5.1 derive_subkeys: the first Nka bytes encrypt, the remaining Nh authenticate. */
export function deriveSubkeys(
  suite: SuiteParams,
  key: Uint8Array,
): { encKey: Uint8Array; authKey: Uint8Array } {
  return { encKey: key.subarray(0, suite.nka), authKey: key.subarray(suite.nka) };
}

export function joinAad(header: Uint8Array, metadata: Uint8Array): Uint8Array {
  if (metadata.length === 0) return header;
  const aad = new Uint8Array(header.length + metadata.length);
  aad.set(header, 0);
  aad.set(metadata, header.length);
  return aad;
}

/** RFC 9605 §4.5.1 `aad_len || ct_len || tag_len`, each a big-endian uint64. */
export function ctrHmacLengths(aadLength: number, ctLength: number, tagLength: number): Uint8Array {
  const out = new Uint8Array(24);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(aadLength));
  view.setBigUint64(8, BigInt(ctLength));
  view.setBigUint64(16, BigInt(tagLength));
  return out;
}

/** AES-CTR initial counter block of RFC 9605 §4.5.1: the nonce followed by four zero bytes. */
export function ctrInitialBlock(nonce: Uint8Array): Uint8Array {
  const block = new Uint8Array(16);
  block.set(nonce);
  return block;
}

export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}
