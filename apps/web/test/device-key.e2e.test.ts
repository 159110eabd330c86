// The browser's device key (Chromium, the real server): the private signature key lives in
// IndexedDB as a non-extractable CryptoKey — script on the page cannot export it — and the room
// still works with it (MLS KeyPackages, commits and messages are signed through it). A browser
// that stored its device with the raw key (an earlier version) is moved to a held key on its next
// visit: the same device, registered once, the raw bytes gone from the record.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevice, createMlsCrypto, exportDevice } from '@conclave/crypto/member';
import { sharedCode } from './support/media.ts';
import { api, licensedPerson, startedMeeting, type Person } from './support/roomPeople.ts';
import { startRoomWorld, type RoomWorld } from './support/roomWorld.ts';

let world: RoomWorld;

beforeAll(async () => {
  world = await startRoomWorld('device-key');
});

afterAll(async () => {
  await world?.close();
});

interface StoredEntry {
  readonly key: string;
  readonly kind: 'bytes' | 'crypto-key' | 'other';
  /** bytes: the first four as text (the record's format). */
  readonly head?: string;
  readonly bytes?: number[];
  readonly type?: string;
  readonly extractable?: boolean;
  readonly algorithm?: string;
  /** crypto-key: what exporting it in any format gave. */
  readonly exported?: string;
}

/** Everything the room's IndexedDB database of `userId` holds, as the page's script sees it. */
function storedEntries(page: Page, userId: string): Promise<StoredEntry[]> {
  return page.evaluate(async (id) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(`conclave-device-${id}`, 1);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(new Error('no database'));
    });
    const store = db.transaction('entries').objectStore('entries');
    const [keys, values] = await Promise.all(
      [store.getAllKeys(), store.getAll()].map(
        (request) =>
          new Promise<unknown[]>((resolve) => {
            request.onsuccess = () => resolve(request.result as unknown[]);
          }),
      ),
    );
    db.close();
    const out: StoredEntry[] = [];
    for (const [i, value] of (values ?? []).entries()) {
      const key = String(keys?.[i]);
      if (value instanceof Uint8Array) {
        out.push({
          key,
          kind: 'bytes',
          head: new TextDecoder().decode(value.subarray(0, 4)),
          bytes: [...value],
        });
      } else if (value instanceof CryptoKey) {
        let exported = 'nothing';
        for (const format of ['pkcs8', 'raw', 'jwk'] as const) {
          try {
            await crypto.subtle.exportKey(format, value);
            exported = format;
          } catch {
            // Refused, as it must be.
          }
        }
        out.push({
          key,
          kind: 'crypto-key',
          type: value.type,
          extractable: value.extractable,
          algorithm: value.algorithm.name,
          exported,
        });
      } else {
        out.push({ key, kind: 'other' });
      }
    }
    return out;
  }, userId);
}

/** Writes `bytes` under `key` in the room's database of `userId`, as an earlier version did. */
function seedEntry(page: Page, userId: string, key: string, bytes: Uint8Array): Promise<void> {
  return page.evaluate(
    async ({ id, key, bytes }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(`conclave-device-${id}`, 1);
        request.onupgradeneeded = () => request.result.createObjectStore('entries');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(new Error('no database'));
      });
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction('entries', 'readwrite');
        tx.objectStore('entries').put(Uint8Array.from(bytes), key);
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(new Error('not written'));
      });
      db.close();
    },
    { id: userId, key, bytes: [...bytes] },
  );
}

function contains(haystack: readonly number[], needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

async function openRoom(person: Person, meetingId: string): Promise<Page> {
  const page = await world.newPage();
  await page.goto(`${world.url}/meetings/${meetingId}/room`);
  await world.signIn(page, person);
  await page.getByRole('button', { name: 'Join with camera and microphone' }).waitFor();
  return page;
}

describe('the device key in the browser', () => {
  it('is a non-extractable CryptoKey, a raw key stored earlier is moved to one, and the meeting works', async () => {
    const [alice, bob] = (await Promise.all(
      ['Alice', 'Bob'].map((name) => licensedPerson(world.url, world.adminToken, name)),
    )) as [Person, Person];
    const meetingId = await startedMeeting(world.url, alice, [bob], true, 'Keys at rest');

    // Bob's browser holds a device an earlier version stored: identity, public and raw private key.
    const { user: bobUser } = await api<{ user: { tenantId: string } }>(
      world.url,
      bob.token,
      'GET',
      '/api/me',
    );
    const crypto = await createMlsCrypto();
    const old = await createDevice(crypto, {
      tenantId: bobUser.tenantId,
      userId: bob.userId,
      deviceId: 'unregistered',
    });
    const { device: registered } = await api<{ device: { id: string } }>(
      world.url,
      bob.token,
      'POST',
      '/api/devices',
      {
        name: 'Bob’s browser (earlier version)',
        signaturePublicKey: Buffer.from(old.keyPair.publicKey).toString('base64'),
      },
    );
    const oldDevice = {
      identity: { ...old.identity, deviceId: registered.id },
      keyPair: old.keyPair,
    };
    const rawKey = old.keyPair.privateKey.slice();

    const alicePage = await openRoom(alice, meetingId);
    // Bob's browser has the old record before he signs in: the app loads his device as soon as he
    // is signed in (its call line rings on every page), not only when he joins.
    const bobPage = await world.newPage();
    await bobPage.goto(`${world.url}/meetings/${meetingId}/room`);
    world.screenshotsOnFailure({ alice: alicePage, bob: bobPage });
    const recordKey = `device:${world.url}:${bobUser.tenantId}:${bob.userId}`;
    await seedEntry(bobPage, bob.userId, recordKey, exportDevice(oldDevice));
    expect(contains((await storedEntries(bobPage, bob.userId))[0]!.bytes!, rawKey)).toBe(true);
    await world.signIn(bobPage, bob);
    await bobPage.getByRole('button', { name: 'Join with camera and microphone' }).waitFor();

    for (const page of [alicePage, bobPage])
      await page.getByRole('button', { name: 'Join with camera and microphone' }).click();
    // The meeting works: both in one group, signing everything through their held keys.
    await sharedCode(alicePage, bobPage);
    await expect.poll(() => alicePage.locator('.room-person').count()).toBe(2);

    for (const [page, person] of [
      [alicePage, alice],
      [bobPage, bob],
    ] as const) {
      const entries = await storedEntries(page, person.userId);
      const keys = entries.filter((e) => e.kind === 'crypto-key');
      expect(keys).toEqual([
        {
          key: `device-key:${world.url}:${bobUser.tenantId}:${person.userId}`,
          kind: 'crypto-key',
          type: 'private',
          extractable: false,
          algorithm: 'Ed25519',
          exported: 'nothing',
        },
      ]);
      const record = entries.find((e) => e.key.startsWith('device:'));
      expect(record?.head).toBe('CVD2');
    }
    // Bob's device is the one he had (not a new registration), and its raw key is nowhere.
    const { devices } = await api<{ devices: { id: string }[] }>(
      world.url,
      bob.token,
      'GET',
      '/api/devices',
    );
    expect(devices.map((d) => d.id)).toEqual([registered.id]);
    for (const entry of await storedEntries(bobPage, bob.userId))
      if (entry.bytes !== undefined) expect(contains(entry.bytes, rawKey)).toBe(false);
    await world.screenshot(bobPage, 'device-key-bob.png');
  });
});
