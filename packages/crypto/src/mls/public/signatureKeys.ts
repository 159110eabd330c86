// Ed25519 signature key pairs (suite 0x0001) and their storage form. Used for the server's
// external-sender key and for each device's credential key.
import type { MlsCrypto } from './crypto.ts';
import { MlsError, guard } from './errors.ts';
import { concatBytes, utf8 } from './bytes.ts';
import { isKeyHandle } from './provider/heldKeys.ts';
import { TlsReader } from './tls.ts';

export interface SignatureKeyPair {
  readonly publicKey: Uint8Array;
  /**
   * The raw 32-byte Ed25519 secret key, or a handle to a key held as a non-extractable CryptoKey
   * (./provider/heldKeys.ts; browsers). Never leaves the device (or, for the server key, the server).
   */
  readonly privateKey: Uint8Array;
}

const KEY_LENGTH = 32;
const PKCS8_ED25519_LENGTH = 48;
const PROBE = utf8.encode('Conclave key pair check');

export async function generateSignatureKeyPair(crypto: MlsCrypto): Promise<SignatureKeyPair> {
  const { publicKey, signKey } = await crypto.impl.signature.keygen();
  // The library's WebCrypto path hands out PKCS#8; every provider signs with the raw 32-byte seed
  // at its end, so a stored key works whichever provider loads it later.
  const pkcs8 = signKey.length === PKCS8_ED25519_LENGTH;
  const privateKey = pkcs8 ? signKey.slice(PKCS8_ED25519_LENGTH - KEY_LENGTH) : signKey;
  if (pkcs8) signKey.fill(0);
  if (privateKey.length !== KEY_LENGTH || publicKey.length !== KEY_LENGTH)
    throw new MlsError('bad_key');
  return { publicKey, privateKey };
}

/** Refuses a pair whose public key does not belong to its private key. */
export async function checkSignatureKeyPair(
  crypto: MlsCrypto,
  pair: SignatureKeyPair,
): Promise<void> {
  const held = isKeyHandle(pair.privateKey);
  if (pair.publicKey.length !== KEY_LENGTH || (!held && pair.privateKey.length !== KEY_LENGTH))
    throw new MlsError('bad_key');
  const ok = await guard('bad_key', async () => {
    const signature = await crypto.impl.signature.sign(pair.privateKey, PROBE);
    return crypto.impl.signature.verify(pair.publicKey, PROBE, signature);
  });
  if (!ok) throw new MlsError('bad_key');
}

/** magic (4) || identity<V> || public key (32) || private key (32). Contains the secret: store it encrypted. */
export function encodeKeyPairRecord(
  magic: Uint8Array,
  identity: Uint8Array,
  pair: SignatureKeyPair,
): Uint8Array {
  return concatBytes(magic, varint(identity.length), identity, pair.publicKey, pair.privateKey);
}

export function decodeKeyPairRecord(
  magic: Uint8Array,
  bytes: Uint8Array,
): { identity: Uint8Array; pair: SignatureKeyPair } {
  const r = new TlsReader(bytes);
  const head = r.take(magic.length);
  if (!head.every((b, i) => b === magic[i])) throw new MlsError('malformed');
  const identity = r.opaque().slice();
  const publicKey = r.take(KEY_LENGTH).slice();
  const privateKey = r.take(KEY_LENGTH).slice();
  r.end();
  return { identity, pair: { publicKey, privateKey } };
}

/** RFC 9420 §2.1.2 variable-size length prefix. */
export function varint(length: number): Uint8Array {
  if (length < 0x40) return Uint8Array.of(length);
  if (length < 0x4000) return Uint8Array.of(0x40 | (length >> 8), length & 0xff);
  if (length < 0x40000000)
    return Uint8Array.of(
      0x80 | (length >>> 24),
      (length >> 16) & 0xff,
      (length >> 8) & 0xff,
      length & 0xff,
    );
  throw new MlsError('invalid_argument');
}
