// Files and folders that hold the server's data are the owner's alone: the data folder 0700, the
// database files and the secret key file 0600. Existing ones that are more open are tightened.
// A folder or file the server may not create or tighten stops the start with a sentence naming it.
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { ServerError } from './errors.ts';

/** `work` on `path`, with a file-system failure (EACCES, EPERM, EROFS…) told as a sentence. */
export function onDisk<T>(path: string, what: string, work: () => T, advice = ''): T {
  try {
    return work();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code !== 'string') throw error;
    throw new ServerError('INVALID_INPUT', `Could not ${what} ${path} (${code}).${advice}`, {
      cause: error,
    });
  }
}

/** Creates `dir` (and its parents) private; makes an existing one private if others can enter. */
export function privateFolder(dir: string): void {
  onDisk(dir, 'create or make private (chmod 700) the data folder', () => {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if ((statSync(dir).mode & 0o077) !== 0) chmodSync(dir, 0o700);
  });
}

/** Makes `path`, if it exists, 0600 when group or others may read or write it. */
export function privateFile(path: string): void {
  onDisk(path, 'make private (chmod 600)', () => {
    if (existsSync(path) && (statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  });
}
