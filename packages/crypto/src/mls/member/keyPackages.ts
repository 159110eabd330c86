// KeyPackages of this device: the public half goes to the server (single use), the private half
// stays on the device until the Welcome that consumes it arrives.
import type { Capabilities, KeyPackage, PrivateKeyPackage } from 'ts-mls';
import { generateKeyPackageWithKey } from 'ts-mls/keyPackage.js';
import { decodeKeyPackage, encodeKeyPackage, makeKeyPackageRef } from 'ts-mls/keyPackage.js';
import { MEETING_SUITES, type MeetingSuite, type MlsCrypto } from '../public/crypto.ts';
import { MlsError, guard, guardSync } from '../public/errors.ts';
import { bytesEqual, concatBytes, utf8 } from '../public/bytes.ts';
import { encodeIdentity } from '../public/identity.ts';
import { encodeKeyPackageMessage } from '../public/keyPackage.ts';
import { varint } from '../public/signatureKeys.ts';
import { TlsReader } from '../public/tls.ts';
import type { DeviceCredential } from './device.ts';

export interface KeyPackageBundle {
  /** Upload to the server: an MLSMessage with wire format mls_key_package. */
  readonly publicBytes: Uint8Array;
  /** KeyPackageRef: how a Welcome addresses this package. */
  readonly ref: Uint8Array;
  /** The package's private keys (secret). Keep on the device until the Welcome arrives, then wipe. */
  readonly privateBytes: Uint8Array;
}

export interface KeyPackageOptions {
  /** Milliseconds since the epoch; default Date.now(). */
  readonly now?: number;
  /** Default 30 days. */
  readonly lifetimeSeconds?: number;
}

/**
 * Only what a meeting uses, without GREASE: every leaf is encoded into tree hashes many times per
 * join, and a smaller leaf makes a large group's Welcome measurably cheaper.
 */
export function meetingCapabilities(suite: MeetingSuite): Capabilities {
  return {
    versions: ['mls10'],
    ciphersuites: [suite.name],
    extensions: [],
    proposals: [],
    credentials: ['basic'],
  };
}

/** The classic suite's capabilities. */
export const MEETING_CAPABILITIES: Capabilities = meetingCapabilities(MEETING_SUITES.classic);

const MAGIC = utf8.encode('CVK1');
const CLOCK_SKEW_SECONDS = 3600;

export async function generateKeyPackage(
  crypto: MlsCrypto,
  device: DeviceCredential,
  options: KeyPackageOptions = {},
): Promise<KeyPackageBundle> {
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  const lifetime = options.lifetimeSeconds ?? 30 * 24 * 3600;
  if (!Number.isInteger(lifetime) || lifetime <= 0) throw new MlsError('invalid_argument');
  const { publicPackage, privatePackage } = await guard('protocol', () =>
    generateKeyPackageWithKey(
      { credentialType: 'basic', identity: encodeIdentity(device.identity) },
      meetingCapabilities(crypto.suite),
      { notBefore: BigInt(now - CLOCK_SKEW_SECONDS), notAfter: BigInt(now + lifetime) },
      [],
      { signKey: device.keyPair.privateKey, publicKey: device.keyPair.publicKey },
      crypto.impl,
    ),
  );
  const encoded = encodeKeyPackage(publicPackage);
  return {
    publicBytes: encodeKeyPackageMessage(publicPackage),
    ref: await makeKeyPackageRef(publicPackage, crypto.impl.hash),
    privateBytes: concatBytes(
      MAGIC,
      varint(encoded.length),
      encoded,
      varint(privatePackage.initPrivateKey.length),
      privatePackage.initPrivateKey,
      varint(privatePackage.hpkePrivateKey.length),
      privatePackage.hpkePrivateKey,
    ),
  };
}

/** The library's view of a stored bundle, with the device's signature key (which it does not store). */
export function openKeyPackageBundle(
  privateBytes: Uint8Array,
  device: DeviceCredential,
): { keyPackage: KeyPackage; privatePackage: PrivateKeyPackage } {
  return guardSync('malformed', () => {
    const r = new TlsReader(privateBytes);
    if (!bytesEqual(r.take(MAGIC.length), MAGIC)) throw new MlsError('malformed');
    const encoded = r.opaque();
    const decoded = decodeKeyPackage(encoded, 0);
    if (decoded === undefined || decoded[1] !== encoded.length) throw new MlsError('malformed');
    const initPrivateKey = r.opaque().slice();
    const hpkePrivateKey = r.opaque().slice();
    r.end();
    if (!bytesEqual(decoded[0].leafNode.signaturePublicKey, device.keyPair.publicKey))
      throw new MlsError('bad_key');
    return {
      keyPackage: decoded[0],
      privatePackage: {
        initPrivateKey,
        hpkePrivateKey,
        signaturePrivateKey: device.keyPair.privateKey,
      },
    };
  });
}
