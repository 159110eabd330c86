// A KeyValueStore in a folder: one file per key (named by the key's SHA-256, since keys can be
// longer than a file name may be), readable by its owner only (0600 in a 0700 folder), written
// beside the target and renamed over it so a crash never leaves half a file.
// The device record holds the device's private signature key, like an SSH key file.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KeyValueStore } from '../store/key-value.ts';

export class FileStore implements KeyValueStore {
  readonly #dir: string;
  #ready: Promise<void> | undefined;

  constructor(dir: string) {
    this.#dir = dir;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.#path(key)));
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async set(key: string, value: Uint8Array): Promise<void> {
    await (this.#ready ??= mkdir(this.#dir, { recursive: true, mode: 0o700 }).then(
      () => undefined,
    ));
    const path = this.#path(key);
    const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temporary, value, { mode: 0o600 });
    await rename(temporary, path);
  }

  async delete(key: string): Promise<void> {
    await rm(this.#path(key), { force: true });
  }

  #path(key: string): string {
    return join(this.#dir, createHash('sha256').update(key, 'utf8').digest('hex'));
  }
}

function isMissing(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT';
}
