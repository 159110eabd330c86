// Where the SDK keeps what must outlive a process: the device's signature key pair, the keys it
// pinned for other devices (trust on first use) and the server's external-sender key. Injected:
// a browser keeps these in IndexedDB, the CLI in files (`./node`), tests in memory.
//
// The device record holds the device's private key (unless the store keeps CryptoKeys, below): a
// store must keep it where only this user can read it.

export interface KeyValueStore {
  get(key: string): Promise<Uint8Array | undefined>;
  set(key: string, value: Uint8Array): Promise<void>;
  delete(key: string): Promise<void>;
}

/**
 * A store that keeps WebCrypto keys as they are (IndexedDB does, by structured clone). With one,
 * and a runtime that makes non-extractable Ed25519 keys, the device's private key is such a key:
 * usable for signing, never readable as bytes — not even by script injected into the page.
 */
export interface CryptoKeyStore {
  getCryptoKey(key: string): Promise<CryptoKey | undefined>;
  setCryptoKey(key: string, value: CryptoKey): Promise<void>;
}

export function keepsCryptoKeys(store: KeyValueStore): store is KeyValueStore & CryptoKeyStore {
  const candidate = store as Partial<CryptoKeyStore>;
  return (
    typeof candidate.getCryptoKey === 'function' && typeof candidate.setCryptoKey === 'function'
  );
}

export class MemoryStore implements KeyValueStore {
  readonly #entries = new Map<string, Uint8Array>();

  get(key: string): Promise<Uint8Array | undefined> {
    return Promise.resolve(this.#entries.get(key)?.slice());
  }

  set(key: string, value: Uint8Array): Promise<void> {
    this.#entries.set(key, value.slice());
    return Promise.resolve();
  }

  delete(key: string): Promise<void> {
    this.#entries.delete(key);
    return Promise.resolve();
  }

  keys(): string[] {
    return [...this.#entries.keys()];
  }
}
