import {
  constantTimeEqual,
  joinAad,
  ctrHmacLengths,
  deriveSubkeys,
  ctrInitialBlock,
  type AeadKey,
  type HmacKey,
  type SFrameCryptoBackend,
} from './backend.ts';
import { SFrameError } from './errors.ts';
import type { HashName, SuiteParams } from './suites.ts';

// WebCrypto's typings want ArrayBuffer-backed views. A view over a SharedArrayBuffer is refused by
// WebCrypto at run time: such a frame is dropped, never played.
const bytes = (u: Uint8Array): Uint8Array<ArrayBuffer> => u as Uint8Array<ArrayBuffer>;

/**
 * The WebCrypto back end, for browsers and workers. Keys are imported non-extractable, so once
 * derived they cannot be read back out of the CryptoKey.
 */
export function webCryptoBackend(
  subtle: SubtleCrypto | undefined = globalThis.crypto?.subtle,
): SFrameCryptoBackend {
  if (subtle === undefined)
    throw new SFrameError('backend_unavailable', 'WebCrypto is not available in this runtime');
  return {
    name: 'webcrypto',
    async importHmacKey(hash, key) {
      return webHmacKey(subtle, await importHmac(subtle, hash, key));
    },
    async importAeadKey(suite, key) {
      if (key.length !== suite.nk)
        throw new SFrameError('invalid_argument', 'AEAD key has the wrong length for the suite');
      return suite.aead === 'aes-gcm'
        ? webGcmKey(subtle, suite, key)
        : webCtrHmacKey(subtle, suite, key);
    },
  };
}

function importHmac(subtle: SubtleCrypto, hash: HashName, key: Uint8Array): Promise<CryptoKey> {
  return subtle.importKey('raw', bytes(key), { name: 'HMAC', hash }, false, ['sign']);
}

function webHmacKey(subtle: SubtleCrypto, key: CryptoKey): HmacKey {
  return {
    async sign(data) {
      return new Uint8Array(await subtle.sign('HMAC', key, bytes(data)));
    },
  };
}

async function webGcmKey(
  subtle: SubtleCrypto,
  suite: SuiteParams,
  raw: Uint8Array,
): Promise<AeadKey> {
  const key = await subtle.importKey('raw', bytes(raw), { name: 'AES-GCM' }, false, [
    'encrypt',
    'decrypt',
  ]);
  const tagLength = suite.nt * 8;
  return {
    async seal(nonce, prefix, metadata, plaintext) {
      const aad = joinAad(prefix, metadata);
      const params = { name: 'AES-GCM', iv: bytes(nonce), additionalData: bytes(aad), tagLength };
      const sealed = await subtle.encrypt(params, key, bytes(plaintext));
      const out = new Uint8Array(prefix.length + sealed.byteLength);
      out.set(prefix, 0);
      out.set(new Uint8Array(sealed), prefix.length);
      return out;
    },
    async open(nonce, header, metadata, ciphertext) {
      if (ciphertext.length < suite.nt) return null;
      const aad = joinAad(header, metadata);
      try {
        const params = { name: 'AES-GCM', iv: bytes(nonce), additionalData: bytes(aad), tagLength };
        return new Uint8Array(await subtle.decrypt(params, key, bytes(ciphertext)));
      } catch {
        return null;
      }
    },
  };
}

async function webCtrHmacKey(
  subtle: SubtleCrypto,
  suite: SuiteParams,
  raw: Uint8Array,
): Promise<AeadKey> {
  const subkeys = deriveSubkeys(suite, raw);
  const encKey = await subtle.importKey('raw', bytes(subkeys.encKey), { name: 'AES-CTR' }, false, [
    'encrypt',
    'decrypt',
  ]);
  const authKey = await importHmac(subtle, suite.hash, subkeys.authKey);
  const nt = suite.nt;
  // The block counter is the low 32 bits after the 96-bit nonce (RFC 9605 §4.5.1).
  const ctr = async (nonce: Uint8Array, data: Uint8Array): Promise<Uint8Array> =>
    new Uint8Array(
      await subtle.encrypt(
        { name: 'AES-CTR', counter: bytes(ctrInitialBlock(nonce)), length: 32 },
        encKey,
        bytes(data),
      ),
    );
  const tag = async (nonce: Uint8Array, aad: Uint8Array, ct: Uint8Array): Promise<Uint8Array> => {
    const authData = new Uint8Array(24 + nonce.length + aad.length + ct.length);
    authData.set(ctrHmacLengths(aad.length, ct.length, nt), 0);
    authData.set(nonce, 24);
    authData.set(aad, 24 + nonce.length);
    authData.set(ct, 24 + nonce.length + aad.length);
    return new Uint8Array(await subtle.sign('HMAC', authKey, authData)).subarray(0, nt);
  };
  return {
    async seal(nonce, prefix, metadata, plaintext) {
      const aad = joinAad(prefix, metadata);
      const ct = await ctr(nonce, plaintext);
      const out = new Uint8Array(prefix.length + ct.length + nt);
      out.set(prefix, 0);
      out.set(ct, prefix.length);
      out.set(await tag(nonce, aad, ct), prefix.length + ct.length);
      return out;
    },
    async open(nonce, header, metadata, ciphertext) {
      const aad = joinAad(header, metadata);
      const split = ciphertext.length - nt;
      if (split < 0) return null;
      try {
        const ct = ciphertext.subarray(0, split);
        if (!constantTimeEqual(await tag(nonce, aad, ct), ciphertext.subarray(split))) return null;
        return await ctr(nonce, ct);
      } catch {
        return null;
      }
    },
  };
}
