// KeyPackages as public data: decode, verify and read them without any group. The server checks
// an uploaded KeyPackage with this before storing it; members run the same checks on every Add
// before it may enter their pending proposals.
import type { KeyPackage } from 'ts-mls';
import {
  decodeKeyPackage,
  encodeKeyPackage,
  makeKeyPackageRef,
  verifyKeyPackage,
} from 'ts-mls/keyPackage.js';
import { verifyLeafNodeSignatureKeyPackage } from 'ts-mls/leafNode.js';
import type { MlsCrypto } from './crypto.ts';
import { MlsError, guard, guardSync } from './errors.ts';
import { bytesEqual, concatBytes } from './bytes.ts';
import { parseIdentity, type MemberIdentity } from './identity.ts';
import { readMessageHeader } from './headers.ts';

export interface KeyPackageInfo {
  readonly identity: MemberIdentity;
  readonly cipherSuite: number;
  readonly signaturePublicKey: Uint8Array;
  /** KeyPackageRef (RFC 9420 §5.2): the id a Welcome uses for this package. */
  readonly ref: Uint8Array;
  /** Lifetime bounds, seconds since the epoch. */
  readonly notBefore: bigint;
  readonly notAfter: bigint;
}

export interface KeyPackageCheckOptions {
  /** Milliseconds since the epoch; default Date.now(). */
  readonly now?: number;
}

const KEY_PACKAGE_HEADER = Uint8Array.of(0x00, 0x01, 0x00, 0x05); // mls10, mls_key_package

/** The wire form of a KeyPackage: an MLSMessage with wire format mls_key_package. */
export function encodeKeyPackageMessage(keyPackage: KeyPackage): Uint8Array {
  return concatBytes(KEY_PACKAGE_HEADER, encodeKeyPackage(keyPackage));
}

export function decodeKeyPackageMessage(bytes: Uint8Array): KeyPackage {
  const header = readMessageHeader(bytes);
  if (header.wireFormat !== 'key_package') throw new MlsError('wrong_kind');
  const decoded = guardSync('malformed', () => decodeKeyPackage(bytes, KEY_PACKAGE_HEADER.length));
  if (decoded === undefined || KEY_PACKAGE_HEADER.length + decoded[1] !== bytes.length)
    throw new MlsError('malformed');
  return decoded[0];
}

/**
 * Verifies a KeyPackage as the meeting profile requires and reads its public facts. Throws
 * MlsError: 'malformed' | 'wrong_kind' | 'unsupported_suite' | 'bad_signature' | 'bad_identity' | 'bad_key'.
 */
export async function inspectKeyPackage(
  crypto: MlsCrypto,
  bytes: Uint8Array,
  options: KeyPackageCheckOptions = {},
): Promise<KeyPackageInfo> {
  return checkKeyPackage(crypto, decodeKeyPackageMessage(bytes), options);
}

export async function checkKeyPackage(
  crypto: MlsCrypto,
  keyPackage: KeyPackage,
  options: KeyPackageCheckOptions = {},
): Promise<KeyPackageInfo> {
  const { leafNode } = keyPackage;
  if (keyPackage.version !== 'mls10' || keyPackage.cipherSuite !== crypto.suite.name)
    throw new MlsError('unsupported_suite');
  if (leafNode.leafNodeSource !== 'key_package') throw new MlsError('malformed');
  if (leafNode.credential.credentialType !== 'basic') throw new MlsError('bad_identity');
  const identity = parseIdentity(leafNode.credential.identity);
  if (
    leafNode.signaturePublicKey.length !== 32 ||
    leafNode.hpkePublicKey.length !== crypto.suite.hpkePublicKeyLength ||
    keyPackage.initKey.length !== crypto.suite.hpkePublicKeyLength ||
    bytesEqual(keyPackage.initKey, leafNode.hpkePublicKey)
  ) {
    throw new MlsError('bad_key');
  }
  const nowSeconds = BigInt(Math.floor((options.now ?? Date.now()) / 1000));
  const { notBefore, notAfter } = leafNode.lifetime;
  if (nowSeconds < notBefore || nowSeconds > notAfter) throw new MlsError('bad_key');
  const signatures = await guard('bad_signature', async () => [
    await verifyLeafNodeSignatureKeyPackage(leafNode, crypto.impl.signature),
    await verifyKeyPackage(keyPackage, crypto.impl.signature),
  ]);
  if (!signatures.every(Boolean)) throw new MlsError('bad_signature');
  return {
    identity,
    cipherSuite: crypto.suite.id,
    signaturePublicKey: leafNode.signaturePublicKey,
    ref: await makeKeyPackageRef(keyPackage, crypto.impl.hash),
    notBefore,
    notAfter,
  };
}
