// Where the SDK keeps what must outlive a process: the device's signature key pair, the keys it
// pinned for other devices (trust on first use) and the server's external-sender key. Injected:
// a browser keeps these in IndexedDB, the CLI in files (`./node`), tests in memory.
//
// The device record holds the device's private key: a store must keep it where only this user
// can read it.

export interface KeyValueStore {
  get(key: string): Promise<Uint8Array | undefined>;
  set(key: string, value: Uint8Array): Promise<void>;
  delete(key: string): Promise<void>;
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
