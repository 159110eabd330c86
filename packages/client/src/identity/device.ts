// This device's MLS identity: a signature key pair made here (the private key never leaves the
// device), registered with the server (`POST /api/devices`), and kept in the injected store so
// the same device comes back on the next run instead of a new one each time.
//
// Where the store keeps CryptoKeys (a browser's IndexedDB) and WebCrypto makes Ed25519 keys, the
// private key is a non-extractable CryptoKey: signing goes through it and its bytes exist nowhere.
// A device stored earlier with its raw key is moved to one on first load (same device, same key,
// the raw bytes overwritten). Elsewhere (Node, the CLI) the raw key stays in the store.
import {
  canHoldSigningKeys,
  createDevice,
  createHeldDevice,
  deviceRecordKind,
  exportDevice,
  holdDevice,
  importDevice,
  importHeldDevice,
  renameDevice,
  type DeviceCredential,
  type HeldDevice,
  type MlsCrypto,
} from '@conclave/crypto/member';
import { bytesEqual, fromBase64, toBase64 } from '../bytes.ts';
import { ClientError } from '../errors.ts';
import type { Me, RestClient } from '../rest/rest-client.ts';
import { keepsCryptoKeys, type CryptoKeyStore, type KeyValueStore } from '../store/key-value.ts';

export function deviceStoreKey(server: string, user: Pick<Me, 'tenantId' | 'id'>): string {
  return `device:${server}:${user.tenantId}:${user.id}`;
}

/** Where a store that keeps CryptoKeys keeps the device's private key. */
export function deviceKeyStoreKey(server: string, user: Pick<Me, 'tenantId' | 'id'>): string {
  return `device-key:${server}:${user.tenantId}:${user.id}`;
}

/**
 * The stored device of `user` on `server` if the server still knows it with the same key;
 * otherwise a new one, registered and stored.
 */
export async function loadOrRegisterDevice(options: {
  readonly rest: Pick<RestClient, 'server' | 'devices' | 'registerDevice'>;
  readonly store: KeyValueStore;
  readonly crypto: MlsCrypto;
  readonly user: Me;
  readonly deviceName: string;
}): Promise<DeviceCredential> {
  const { rest, store, crypto, user } = options;
  const key = deviceStoreKey(rest.server, user);
  const keyKey = deviceKeyStoreKey(rest.server, user);
  const keys = keepsCryptoKeys(store) && (await canHoldSigningKeys()) ? store : undefined;
  const stored = await store.get(key);
  if (stored !== undefined) {
    const device = await restore(crypto, stored, store, keyKey);
    if (
      device !== undefined &&
      device.identity.tenantId === user.tenantId &&
      device.identity.userId === user.id
    ) {
      const registered = (await rest.devices()).find((d) => d.id === device.identity.deviceId);
      const registeredKey =
        registered === undefined ? undefined : fromBase64(registered.signaturePublicKey);
      if (registeredKey !== undefined && bytesEqual(registeredKey, device.keyPair.publicKey)) {
        if (keys === undefined || deviceRecordKind(stored) !== 'raw') return device;
        // Stored before keys could be held: the same key, from now on non-extractable.
        const held = await holdDevice(device);
        stored.fill(0);
        return save(store, keys, key, keyKey, held);
      }
    }
  }
  // The server names the device, so the key pair is made before the identity is complete.
  const unregistered = { tenantId: user.tenantId, userId: user.id, deviceId: 'unregistered' };
  const held = keys === undefined ? undefined : await createHeldDevice(unregistered);
  const fresh = held?.device ?? (await createDevice(crypto, unregistered));
  const view = await rest.registerDevice(options.deviceName, toBase64(fresh.keyPair.publicKey));
  const device = renameDevice(fresh, { ...unregistered, deviceId: view.id });
  if (held !== undefined && keys !== undefined)
    return save(store, keys, key, keyKey, { device, privateKey: held.privateKey });
  try {
    await store.set(key, exportDevice(device));
  } catch (cause) {
    throw new ClientError('device_unusable', { cause });
  }
  return device;
}

/** The CryptoKey first, then the record that needs it (a crash between leaves the old record). */
async function save(
  store: KeyValueStore,
  keys: CryptoKeyStore,
  key: string,
  keyKey: string,
  held: HeldDevice,
): Promise<DeviceCredential> {
  try {
    await keys.setCryptoKey(keyKey, held.privateKey);
    await store.set(key, exportDevice(held.device));
  } catch (cause) {
    throw new ClientError('device_unusable', { cause });
  }
  return held.device;
}

async function restore(
  crypto: MlsCrypto,
  bytes: Uint8Array,
  store: KeyValueStore,
  keyKey: string,
): Promise<DeviceCredential | undefined> {
  try {
    switch (deviceRecordKind(bytes)) {
      case 'raw':
        return await importDevice(crypto, bytes);
      case 'held': {
        const privateKey = keepsCryptoKeys(store) ? await store.getCryptoKey(keyKey) : undefined;
        return privateKey === undefined
          ? undefined
          : await importHeldDevice(crypto, bytes, privateKey);
      }
      default:
        return undefined;
    }
  } catch {
    // Unreadable or from another format: a new device replaces it.
    return undefined;
  }
}
