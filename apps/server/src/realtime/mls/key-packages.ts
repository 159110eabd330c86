// A joiner's KeyPackage, checked before the server proposes it: it must verify (signatures, the
// meeting suite 0x0001, lifetime, encoding), its credential must name exactly this tenant, user and
// device, and its signature key must be the device's key in the directory. Single use: the first
// proposal that carries it consumes it, for good.
import {
  identitiesEqual,
  inspectKeyPackage,
  MlsError,
  type MlsCrypto,
} from '@conclave/crypto/server';
import type { SocketIdentity } from '../authenticate.ts';
import { fromBase64, toHex } from '../bytes.ts';
import type { Store } from '../../storage/store.ts';

export interface CheckedKeyPackage {
  readonly bytes: Uint8Array;
  /** KeyPackageRef, hex: how a Welcome names its recipient. */
  readonly ref: string;
  /** End of its lifetime, ms since the epoch. */
  readonly expiresAt: number;
}

export type KeyPackageCheck =
  | { readonly kind: 'ok'; readonly keyPackage: CheckedKeyPackage }
  | {
      readonly kind: 'refused';
      readonly code: 'key_package_invalid' | 'key_package_identity';
      readonly message: string;
    };

export async function checkKeyPackage(
  crypto: MlsCrypto,
  who: SocketIdentity,
  base64: string,
  now: number,
): Promise<KeyPackageCheck> {
  const bytes = fromBase64(base64);
  if (bytes === undefined) return invalid('The KeyPackage is not canonical base64.');
  let info;
  try {
    info = await inspectKeyPackage(crypto, bytes, { now });
  } catch (error) {
    if (error instanceof MlsError && error.code === 'bad_identity') {
      return identity('The KeyPackage credential is not a Conclave device identity.');
    }
    const code = error instanceof MlsError ? error.code : 'malformed';
    return invalid(`The KeyPackage does not verify (${code}).`);
  }
  const expected = { tenantId: who.tenantId, userId: who.user.id, deviceId: who.device.id };
  if (!identitiesEqual(info.identity, expected)) {
    return identity('The KeyPackage credential names another tenant, user or device.');
  }
  if (!sameBytes(info.signaturePublicKey, who.signaturePublicKey)) {
    return identity("The KeyPackage signature key is not this device's key in the directory.");
  }
  const expiresAt = Number(info.notAfter) * 1000;
  return {
    kind: 'ok',
    keyPackage: {
      bytes,
      ref: toHex(info.ref),
      expiresAt: Number.isSafeInteger(expiresAt) ? expiresAt : Number.MAX_SAFE_INTEGER,
    },
  };
}

/** Consumes the KeyPackage; false if it was used before. */
export function useKeyPackage(
  store: Store,
  tenantId: string,
  keyPackage: CheckedKeyPackage,
  now: number,
): Promise<boolean> {
  return store.realtime.useKeyPackage(tenantId, keyPackage.ref, now, keyPackage.expiresAt);
}

const invalid = (message: string): KeyPackageCheck => ({
  kind: 'refused',
  code: 'key_package_invalid',
  message,
});
const identity = (message: string): KeyPackageCheck => ({
  kind: 'refused',
  code: 'key_package_identity',
  message,
});

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
