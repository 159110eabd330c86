// A device's MLS identity: its signature key pair (made on the device, the private key never
// leaves it) and the identity its credential names.
//
// Two storage forms. "CVD1" holds the raw private key (Node and the CLI keep it in a 0600 file,
// like an SSH key). "CVD2" holds only the identity and the public key: the private key is a
// non-extractable WebCrypto key the caller keeps beside it (a browser's IndexedDB stores CryptoKey
// objects as they are), used through a handle (../public/provider/heldKeys.ts). A CVD1 device can
// be moved to CVD2 once (`holdDevice`) and its raw key wiped.
import type { MlsCrypto } from '../public/crypto.ts';
import { MlsError, guardSync } from '../public/errors.ts';
import { bytesEqual, concatBytes, utf8 } from '../public/bytes.ts';
import { encodeIdentity, parseIdentity, type MemberIdentity } from '../public/identity.ts';
import {
  generateHeldKeyPair,
  holdRawKey,
  holdSigningKey,
  isKeyHandle,
} from '../public/provider/heldKeys.ts';
import {
  checkSignatureKeyPair,
  decodeKeyPairRecord,
  encodeKeyPairRecord,
  generateSignatureKeyPair,
  varint,
  type SignatureKeyPair,
} from '../public/signatureKeys.ts';
import { TlsReader } from '../public/tls.ts';

export interface DeviceCredential {
  readonly identity: MemberIdentity;
  readonly keyPair: SignatureKeyPair;
}

/** A device whose private key is a non-extractable CryptoKey; `device` signs through its handle. */
export interface HeldDevice {
  readonly device: DeviceCredential;
  /** Keep this (IndexedDB stores it as it is); it cannot be exported. */
  readonly privateKey: CryptoKey;
}

const MAGIC = utf8.encode('CVD1');
const HELD_MAGIC = utf8.encode('CVD2');

export async function createDevice(
  crypto: MlsCrypto,
  identity: MemberIdentity,
): Promise<DeviceCredential> {
  encodeIdentity(identity); // refuses an identity that cannot be encoded
  return { identity, keyPair: await generateSignatureKeyPair(crypto) };
}

/** A device whose private key is made non-extractable (WebCrypto Ed25519) and never seen as bytes. */
export async function createHeldDevice(identity: MemberIdentity): Promise<HeldDevice> {
  encodeIdentity(identity);
  const { privateKey, publicKey } = await generateHeldKeyPair();
  return {
    device: { identity, keyPair: { publicKey, privateKey: holdSigningKey(privateKey) } },
    privateKey,
  };
}

/** The same device with another identity (the server names a device only once it is registered). */
export function renameDevice(device: DeviceCredential, identity: MemberIdentity): DeviceCredential {
  encodeIdentity(identity);
  return { identity, keyPair: device.keyPair };
}

/**
 * Moves a device with a raw private key to a non-extractable CryptoKey, and wipes the raw key:
 * from then on the device signs only through the held key.
 */
export async function holdDevice(device: DeviceCredential): Promise<HeldDevice> {
  if (isKeyHandle(device.keyPair.privateKey)) throw new MlsError('invalid_argument');
  const privateKey = await holdRawKey(device.keyPair.privateKey);
  device.keyPair.privateKey.fill(0);
  return {
    device: {
      identity: device.identity,
      keyPair: { publicKey: device.keyPair.publicKey, privateKey: holdSigningKey(privateKey) },
    },
    privateKey,
  };
}

/** Which storage form `bytes` is: with the raw private key, or with a held key beside it. */
export function deviceRecordKind(bytes: Uint8Array): 'raw' | 'held' | undefined {
  if (bytes.length < 4) return undefined;
  const head = bytes.subarray(0, 4);
  if (bytesEqual(head, MAGIC)) return 'raw';
  if (bytesEqual(head, HELD_MAGIC)) return 'held';
  return undefined;
}

/**
 * Storage form. A raw-key device's record contains its private key: keep it in the device's
 * protected storage. A held device's record has only its identity and public key.
 */
export function exportDevice(device: DeviceCredential): Uint8Array {
  const identity = encodeIdentity(device.identity);
  if (isKeyHandle(device.keyPair.privateKey)) {
    return concatBytes(HELD_MAGIC, varint(identity.length), identity, device.keyPair.publicKey);
  }
  return encodeKeyPairRecord(MAGIC, identity, device.keyPair);
}

export async function importDevice(
  crypto: MlsCrypto,
  bytes: Uint8Array,
): Promise<DeviceCredential> {
  const { identity, pair } = guardSync('malformed', () => decodeKeyPairRecord(MAGIC, bytes));
  const parsed = parseIdentity(identity);
  await checkSignatureKeyPair(crypto, pair);
  return { identity: parsed, keyPair: pair };
}

/** A held device from its record and its CryptoKey; refuses a key that does not sign for it. */
export async function importHeldDevice(
  crypto: MlsCrypto,
  bytes: Uint8Array,
  privateKey: CryptoKey,
): Promise<DeviceCredential> {
  const { identity, publicKey } = guardSync('malformed', () => {
    const r = new TlsReader(bytes);
    if (!bytesEqual(r.take(HELD_MAGIC.length), HELD_MAGIC)) throw new MlsError('malformed');
    const id = r.opaque().slice();
    const key = r.take(32).slice();
    r.end();
    return { identity: id, publicKey: key };
  });
  const parsed = parseIdentity(identity);
  const pair = { publicKey, privateKey: holdSigningKey(privateKey) };
  await checkSignatureKeyPair(crypto, pair);
  return { identity: parsed, keyPair: pair };
}
