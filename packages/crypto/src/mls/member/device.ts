// A device's MLS identity: its signature key pair (made on the device, the private key never
// leaves it) and the identity its credential names.
import type { MlsCrypto } from '../public/crypto.ts';
import { guardSync } from '../public/errors.ts';
import { utf8 } from '../public/bytes.ts';
import { encodeIdentity, parseIdentity, type MemberIdentity } from '../public/identity.ts';
import {
  checkSignatureKeyPair,
  decodeKeyPairRecord,
  encodeKeyPairRecord,
  generateSignatureKeyPair,
  type SignatureKeyPair,
} from '../public/signatureKeys.ts';

export interface DeviceCredential {
  readonly identity: MemberIdentity;
  readonly keyPair: SignatureKeyPair;
}

const MAGIC = utf8.encode('CVD1');

export async function createDevice(
  crypto: MlsCrypto,
  identity: MemberIdentity,
): Promise<DeviceCredential> {
  encodeIdentity(identity); // refuses an identity that cannot be encoded
  return { identity, keyPair: await generateSignatureKeyPair(crypto) };
}

/** Storage form. Contains the device's private key: keep it in the device's protected storage. */
export function exportDevice(device: DeviceCredential): Uint8Array {
  return encodeKeyPairRecord(MAGIC, encodeIdentity(device.identity), device.keyPair);
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
