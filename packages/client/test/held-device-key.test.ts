// The device's private key as a non-extractable WebCrypto key, where the store keeps CryptoKeys
// (a browser's IndexedDB; here a memory store that does the same): a new device never has its key
// as bytes; a device stored earlier with its raw key is moved to a held key on first load — same
// device, same public key, the raw bytes gone from the store — and it still signs MLS messages.
import {
  createDevice,
  createMlsCrypto,
  exportDevice,
  generateKeyPackage,
  inspectKeyPackage,
  type MemberIdentity,
} from '@conclave/crypto/member';
import { describe, expect, it } from 'vitest';
import { toBase64 } from '../src/bytes.ts';
import { deviceKeyStoreKey, deviceStoreKey, loadOrRegisterDevice } from '../src/identity/device.ts';
import { MemoryStore, type CryptoKeyStore } from '../src/store/key-value.ts';

/** What IndexedDB does: bytes and CryptoKey objects, each kept as it is. */
class MemoryKeyStore extends MemoryStore implements CryptoKeyStore {
  readonly cryptoKeys = new Map<string, CryptoKey>();
  getCryptoKey(key: string): Promise<CryptoKey | undefined> {
    return Promise.resolve(this.cryptoKeys.get(key));
  }
  setCryptoKey(key: string, value: CryptoKey): Promise<void> {
    this.cryptoKeys.set(key, value);
    return Promise.resolve();
  }
}

function fakeServer() {
  const devices: { id: string; signaturePublicKey: string }[] = [];
  return {
    devices,
    rest: {
      server: 'https://s',
      devices: () =>
        Promise.resolve(
          devices.map((d) => ({ ...d, name: 'x', createdAt: new Date().toISOString() })),
        ),
      registerDevice: (name: string, signaturePublicKey: string) => {
        const device = { id: `device-${devices.length + 1}`, signaturePublicKey };
        devices.push(device);
        return Promise.resolve({ ...device, name, createdAt: new Date().toISOString() });
      },
    },
  };
}

const user = { id: 'u1', tenantId: 't1' } as Parameters<typeof loadOrRegisterDevice>[0]['user'];

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

describe('a device key held as a non-extractable CryptoKey', () => {
  it('moves a raw key stored earlier to a held key on first load, and keeps signing with it', async () => {
    const crypto = await createMlsCrypto();
    const server = fakeServer();
    // A device stored by an earlier version: the record holds its raw private key.
    const identity: MemberIdentity = { tenantId: 't1', userId: 'u1', deviceId: 'device-1' };
    const old = await createDevice(crypto, identity);
    const raw = old.keyPair.privateKey.slice();
    server.devices.push({ id: 'device-1', signaturePublicKey: toBase64(old.keyPair.publicKey) });
    const store = new MemoryKeyStore();
    await store.set(deviceStoreKey('https://s', user), exportDevice(old));

    const device = await loadOrRegisterDevice({
      rest: server.rest,
      store,
      crypto,
      user,
      deviceName: 'browser',
    });
    // The same device and key: nothing to register, nobody sees a new device.
    expect(device.identity).toEqual(identity);
    expect(device.keyPair.publicKey).toEqual(old.keyPair.publicKey);
    expect(server.devices).toHaveLength(1);
    // The private key is a CryptoKey nobody can export, and its bytes are gone from the record.
    const held = store.cryptoKeys.get(deviceKeyStoreKey('https://s', user));
    expect(held).toMatchObject({ type: 'private', extractable: false });
    const record = (await store.get(deviceStoreKey('https://s', user)))!;
    expect(contains(record, raw)).toBe(false);
    expect(contains(device.keyPair.privateKey, raw)).toBe(false);
    for (const key of store.keys()) expect(contains((await store.get(key))!, raw)).toBe(false);
    // It signs: a KeyPackage made with it verifies under the device's registered public key.
    const keyPackage = await generateKeyPackage(crypto, device);
    const checked = await inspectKeyPackage(crypto, keyPackage.publicBytes);
    expect(checked.identity).toEqual(identity);
    expect(checked.signaturePublicKey).toEqual(old.keyPair.publicKey);

    // The next run restores the held device, the same one.
    const again = await loadOrRegisterDevice({
      rest: server.rest,
      store,
      crypto,
      user,
      deviceName: 'browser',
    });
    expect(again.identity).toEqual(identity);
    expect(again.keyPair.publicKey).toEqual(old.keyPair.publicKey);
    expect(server.devices).toHaveLength(1);
  });

  it('makes a new device with a held key from the start', async () => {
    const crypto = await createMlsCrypto();
    const server = fakeServer();
    const store = new MemoryKeyStore();
    const device = await loadOrRegisterDevice({
      rest: server.rest,
      store,
      crypto,
      user,
      deviceName: 'browser',
    });
    expect(store.cryptoKeys.get(deviceKeyStoreKey('https://s', user))).toMatchObject({
      extractable: false,
    });
    expect(server.devices[0]?.signaturePublicKey).toBe(toBase64(device.keyPair.publicKey));
    // The record is identity and public key only (no 32-byte private key after them).
    const record = (await store.get(deviceStoreKey('https://s', user)))!;
    expect(new TextDecoder().decode(record.subarray(0, 4))).toBe('CVD2');
  });
});
