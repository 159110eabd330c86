// Files and folders that hold the server's data are the owner's alone: the data folder 0700, the
// database files and the secret key file 0600. Existing ones that are more open are tightened.
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';

/** Creates `dir` (and its parents) private; makes an existing one private if others can enter. */
export function privateFolder(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if ((statSync(dir).mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

/** Makes `path`, if it exists, 0600 when group or others may read or write it. */
export function privateFile(path: string): void {
  if (existsSync(path) && (statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
}
