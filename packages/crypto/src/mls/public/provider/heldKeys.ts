// Signature keys held as non-extractable WebCrypto keys (browsers: kept in IndexedDB as CryptoKey
// objects, so script injected into the page can use the key while the page lives but never copy
// it out). ts-mls 1.6.4 never looks inside a signature private key: it keeps the bytes in the
// group state and hands them to the suite's `signature.sign(signKey, message)` (keyPackage.js,
// createCommit.js, createMessage.js, leafNode.js, all through crypto/signature.js
// `signWithLabel`). So a held key enters the library as a *handle*: 20 bytes ("CVH1" and 16
// random bytes) that name the CryptoKey in this process and are worth nothing anywhere else. The
// suite's signer (every provider of ./crypto.ts) recognises a handle and signs with
// `crypto.subtle.sign('Ed25519', key, message)`; anything else is a raw key, signed as before. A
// handle is 20 bytes, so a raw-key signer refuses it rather than sign with the wrong key.
import type { Signature } from 'ts-mls';
import { MlsError } from '../errors.ts';
import { bytesEqual, concatBytes, toHex, utf8 } from '../bytes.ts';

const MAGIC = utf8.encode('CVH1');
const HANDLE_LENGTH = MAGIC.length + 16;

const held = new Map<string, CryptoKey>();

function subtle(): SubtleCrypto {
  const s = (globalThis.crypto as Crypto | undefined)?.subtle;
  if (s === undefined) throw new MlsError('bad_key');
  return s;
}

/** Whether `bytes` is a handle for a held key (not a raw private key). */
export function isKeyHandle(bytes: Uint8Array): boolean {
  return bytes.length === HANDLE_LENGTH && bytesEqual(bytes.subarray(0, MAGIC.length), MAGIC);
}

/** Registers `key` (an Ed25519 private CryptoKey) for signing in this process; returns its handle. */
export function holdSigningKey(key: CryptoKey): Uint8Array {
  if (key.type !== 'private' || key.algorithm.name !== 'Ed25519' || !key.usages.includes('sign'))
    throw new MlsError('bad_key');
  for (const [id, known] of held) if (known === key) return fromId(id);
  const handle = concatBytes(MAGIC, globalThis.crypto.getRandomValues(new Uint8Array(16)));
  held.set(toHex(handle), key);
  return handle;
}

function fromId(id: string): Uint8Array {
  return Uint8Array.from(id.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

/** The suite's signer, able to sign with held keys too. */
export function heldKeySigning(base: Signature): Signature {
  return {
    ...base,
    sign: async (signKey, message) => {
      if (!isKeyHandle(signKey)) return base.sign(signKey, message);
      const key = held.get(toHex(signKey));
      if (key === undefined) throw new MlsError('bad_key');
      return new Uint8Array(await subtle().sign('Ed25519', key, message as BufferSource));
    },
  };
}

let support: Promise<boolean> | undefined;

/** Whether this runtime's WebCrypto makes non-extractable Ed25519 keys (Chromium 137+, Node 20+). */
export function canHoldSigningKeys(): Promise<boolean> {
  support ??= (async () => {
    try {
      const pair = await subtle().generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']);
      return pair.privateKey.extractable === false;
    } catch {
      return false;
    }
  })();
  return support;
}

/** A fresh Ed25519 pair whose private key is non-extractable; the public key as raw bytes. */
export async function generateHeldKeyPair(): Promise<{
  readonly privateKey: CryptoKey;
  readonly publicKey: Uint8Array;
}> {
  const pair = await subtle().generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']);
  const publicKey = new Uint8Array(await subtle().exportKey('raw', pair.publicKey));
  return { privateKey: pair.privateKey, publicKey };
}

// The DER prefix that turns a raw Ed25519 secret key into PKCS#8 (RFC 8410).
const PKCS8_ED25519 = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);

/** A raw 32-byte Ed25519 secret key as a non-extractable CryptoKey (the caller wipes the raw key). */
export async function holdRawKey(raw: Uint8Array): Promise<CryptoKey> {
  if (raw.length !== 32) throw new MlsError('bad_key');
  const der = concatBytes(PKCS8_ED25519, raw);
  try {
    return await subtle().importKey('pkcs8', der, { name: 'Ed25519' }, false, ['sign']);
  } finally {
    der.fill(0);
  }
}
