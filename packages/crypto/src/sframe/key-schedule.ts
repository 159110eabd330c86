import type { AeadKey, HmacKey, SFrameCryptoBackend } from './backend.ts';
import { SFrameError } from './errors.ts';
import { MAX_UINT64 } from './header.ts';
import { hkdfExpand, hkdfExtract } from './hkdf.ts';
import type { SuiteParams } from './suites.ts';

// RFC 9605 §4.4.2: per KID, key and salt come from one HKDF-Extract of the base key, expanded
// under labels that bind the KID (8 bytes, not the compact header form) and the suite.
const KEY_LABEL = new TextEncoder().encode('SFrame 1.0 Secret key ');
const SALT_LABEL = new TextEncoder().encode('SFrame 1.0 Secret salt ');

export function sframeKeyLabel(kid: bigint, suite: SuiteParams): Uint8Array {
  return label(KEY_LABEL, kid, suite);
}

export function sframeSaltLabel(kid: bigint, suite: SuiteParams): Uint8Array {
  return label(SALT_LABEL, kid, suite);
}

function label(prefix: Uint8Array, kid: bigint, suite: SuiteParams): Uint8Array {
  if (kid < 0n || kid > MAX_UINT64)
    throw new SFrameError('invalid_argument', 'SFrame KID must be an unsigned 64-bit integer');
  const out = new Uint8Array(prefix.length + 10);
  out.set(prefix, 0);
  const view = new DataView(out.buffer);
  view.setBigUint64(prefix.length, kid);
  view.setUint16(prefix.length + 8, suite.id);
  return out;
}

/** What the send and receive paths need for one KID; derived once, used for every frame. */
export interface FrameKey {
  readonly kid: bigint;
  readonly suite: SuiteParams;
  readonly aead: AeadKey;
  /** sframe_salt; the nonce of a frame is this XOR its CTR. */
  readonly salt: Uint8Array;
  /** Reused nonce buffer for the synchronous AEAD path, which is done with it on return. */
  readonly nonce: Uint8Array;
}

/**
 * `sframe_secret = HKDF-Extract("", base_key)` held as an imported HMAC key. It does not depend on
 * the KID, so a key ring extracts once per epoch and expands per KID on first use; the raw base
 * key need not be kept.
 */
export class BaseKeySecret {
  readonly suite: SuiteParams;
  readonly #backend: SFrameCryptoBackend;
  readonly #prk: HmacKey;

  private constructor(backend: SFrameCryptoBackend, suite: SuiteParams, prk: HmacKey) {
    this.#backend = backend;
    this.suite = suite;
    this.#prk = prk;
  }

  static async fromBaseKey(
    backend: SFrameCryptoBackend,
    suite: SuiteParams,
    baseKey: Uint8Array,
  ): Promise<BaseKeySecret> {
    if (baseKey.length === 0) throw new SFrameError('invalid_argument', 'SFrame base key is empty');
    const secret = await hkdfExtract(backend, suite.hash, new Uint8Array(0), baseKey);
    try {
      return new BaseKeySecret(backend, suite, await backend.importHmacKey(suite.hash, secret));
    } finally {
      secret.fill(0);
    }
  }

  /** sframe_key and sframe_salt for `kid`; the caller wipes `key` once imported. */
  async deriveKeySalt(kid: bigint): Promise<{ key: Uint8Array; salt: Uint8Array }> {
    const key = await hkdfExpand(
      this.#prk,
      this.suite.hash,
      sframeKeyLabel(kid, this.suite),
      this.suite.nk,
    );
    const salt = await hkdfExpand(
      this.#prk,
      this.suite.hash,
      sframeSaltLabel(kid, this.suite),
      this.suite.nn,
    );
    return { key, salt };
  }

  async deriveFrameKey(kid: bigint): Promise<FrameKey> {
    const { key, salt } = await this.deriveKeySalt(kid);
    try {
      const aead = await this.#backend.importAeadKey(this.suite, key);
      return { kid, suite: this.suite, aead, salt, nonce: new Uint8Array(salt.length) };
    } finally {
      key.fill(0);
    }
  }

  /**
   * A short value that is equal for equal base keys and reveals nothing about them, so that a
   * re-announced key can be told apart from a new one without keeping the key itself.
   */
  async fingerprint(): Promise<Uint8Array> {
    return (await this.#prk.sign(FINGERPRINT_LABEL)).subarray(0, 16);
  }
}

const FINGERPRINT_LABEL = new TextEncoder().encode('Conclave SFrame base key fingerprint');

/** `nonce = sframe_salt XOR CTR`, the CTR big-endian over the salt's width (RFC 9605 §4.4.3). */
export function frameNonce(salt: Uint8Array, ctr: bigint): Uint8Array {
  return writeNonce(new Uint8Array(salt.length), salt, ctr);
}

export function writeNonce(out: Uint8Array, salt: Uint8Array, ctr: bigint): Uint8Array {
  out.set(salt);
  const n = out.length;
  // Split into two 32-bit halves; below 2^32 (every real stream) no bigint shift is needed.
  const lo = ctr <= 0xffffffffn ? Number(ctr) : Number(ctr & 0xffffffffn);
  const hi = ctr <= 0xffffffffn ? 0 : Number(ctr >> 32n);
  out[n - 1]! ^= lo & 0xff;
  out[n - 2]! ^= (lo >>> 8) & 0xff;
  out[n - 3]! ^= (lo >>> 16) & 0xff;
  out[n - 4]! ^= lo >>> 24;
  out[n - 5]! ^= hi & 0xff;
  out[n - 6]! ^= (hi >>> 8) & 0xff;
  out[n - 7]! ^= (hi >>> 16) & 0xff;
  out[n - 8]! ^= hi >>> 24;
  return out;
}
