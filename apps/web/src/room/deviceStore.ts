// Where the browser keeps what the SDK must remember: this device's signature key pair, the keys
// it pinned for other devices, and the server's external-sender key. IndexedDB of this origin,
// one database per signed-in user, so two people sharing a browser profile never share a device.
// The device's private key is stored as a non-extractable CryptoKey object (IndexedDB keeps it by
// structured clone): the page can sign with it, and no script can read its bytes.
import type { CryptoKeyStore, KeyValueStore } from '@conclave/client';

const STORE = 'entries';

function open(name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(new Error('the device store cannot be opened'));
  });
}

function run<T>(
  db: IDBDatabase,
  mode: IDBTransactionMode,
  act: (store: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const request = act(db.transaction(STORE, mode).objectStore(STORE));
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(new Error('the device store refused the operation'));
  });
}

export class IndexedDbStore implements KeyValueStore, CryptoKeyStore {
  readonly #db: Promise<IDBDatabase>;

  constructor(userId: string) {
    this.#db = open(`conclave-device-${userId}`);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const value: unknown = await run(await this.#db, 'readonly', (s) => s.get(key));
    return value instanceof Uint8Array ? value.slice() : undefined;
  }

  async set(key: string, value: Uint8Array): Promise<void> {
    await run(await this.#db, 'readwrite', (s) => s.put(value.slice(), key));
  }

  async getCryptoKey(key: string): Promise<CryptoKey | undefined> {
    const value: unknown = await run(await this.#db, 'readonly', (s) => s.get(key));
    return value instanceof CryptoKey ? value : undefined;
  }

  async setCryptoKey(key: string, value: CryptoKey): Promise<void> {
    await run(await this.#db, 'readwrite', (s) => s.put(value, key));
  }

  async delete(key: string): Promise<void> {
    await run(await this.#db, 'readwrite', (s) => s.delete(key));
  }
}

let deviceTurn: Promise<unknown> = Promise.resolve();

/**
 * Runs `work` (a `ConclaveClient.connect`, which loads or registers this browser's device) after
 * any other still running on this page: the app's call line and a room connect on their own, and
 * two first connects at once would each register a device for the same browser.
 */
export function oneDeviceAtATime<T>(work: () => Promise<T>): Promise<T> {
  const turn = deviceTurn.then(work, work);
  deviceTurn = turn.catch(() => undefined);
  return turn;
}
