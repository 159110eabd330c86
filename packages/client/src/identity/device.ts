// This device's MLS identity: a signature key pair made here (the private key never leaves the
// device), registered with the server (`POST /api/devices`), and kept in the injected store so
// the same device comes back on the next run instead of a new one each time.
import {
  createDevice,
  exportDevice,
  importDevice,
  type DeviceCredential,
  type MlsCrypto,
} from '@conclave/crypto/member';
import { bytesEqual, fromBase64, toBase64 } from '../bytes.ts';
import { ClientError } from '../errors.ts';
import type { Me, RestClient } from '../rest/rest-client.ts';
import type { KeyValueStore } from '../store/key-value.ts';

export function deviceStoreKey(server: string, user: Pick<Me, 'tenantId' | 'id'>): string {
  return `device:${server}:${user.tenantId}:${user.id}`;
}

/**
 * The stored device of `user` on `server` if the server still knows it with the same key;
 * otherwise a new one, registered and stored.
 */
export async function loadOrRegisterDevice(options: {
  readonly rest: RestClient;
  readonly store: KeyValueStore;
  readonly crypto: MlsCrypto;
  readonly user: Me;
  readonly deviceName: string;
}): Promise<DeviceCredential> {
  const { rest, store, crypto, user } = options;
  const key = deviceStoreKey(rest.server, user);
  const stored = await store.get(key);
  if (stored !== undefined) {
    const device = await restore(crypto, stored);
    if (
      device !== undefined &&
      device.identity.tenantId === user.tenantId &&
      device.identity.userId === user.id
    ) {
      const registered = (await rest.devices()).find((d) => d.id === device.identity.deviceId);
      const registeredKey =
        registered === undefined ? undefined : fromBase64(registered.signaturePublicKey);
      if (registeredKey !== undefined && bytesEqual(registeredKey, device.keyPair.publicKey))
        return device;
    }
  }
  // The server names the device, so the key pair is made before the identity is complete.
  const fresh = await createDevice(crypto, {
    tenantId: user.tenantId,
    userId: user.id,
    deviceId: 'unregistered',
  });
  const view = await rest.registerDevice(options.deviceName, toBase64(fresh.keyPair.publicKey));
  const device: DeviceCredential = {
    identity: { tenantId: user.tenantId, userId: user.id, deviceId: view.id },
    keyPair: fresh.keyPair,
  };
  try {
    await store.set(key, exportDevice(device));
  } catch (cause) {
    throw new ClientError('device_unusable', { cause });
  }
  return device;
}

async function restore(
  crypto: MlsCrypto,
  bytes: Uint8Array,
): Promise<DeviceCredential | undefined> {
  try {
    return await importDevice(crypto, bytes);
  } catch {
    // Unreadable or from another format: a new device replaces it.
    return undefined;
  }
}
