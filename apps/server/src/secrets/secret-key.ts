// The server's secret key: 32 random bytes that seal what the database must not hold in the clear
// (./sealing.ts). It is never in the database: it comes from CONCLAVE_SECRET_KEY (a secrets
// manager, base64) or from the key file `secret.key` in the data folder, created 0600 on the first
// start. Errors name where the key came from and its id (a hash), never the key.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ServerError } from '../errors.ts';
import { onDisk, privateFile, privateFolder } from '../private-files.ts';

export const SECRET_KEY_FILE = 'secret.key';
/** Where `conclave server rotate-secret-key` keeps the next key until every row is re-sealed. */
export const NEXT_SECRET_KEY_FILE = 'secret.key.next';
export const SECRET_KEY_ENV = 'CONCLAVE_SECRET_KEY';

export interface SecretKey {
  readonly bytes: Buffer;
  /** A fingerprint (16 hex digits of a hash of the key): names the key in rows and errors. */
  readonly id: string;
  /** For error messages: `CONCLAVE_SECRET_KEY` or `the secret key file <path>`. */
  readonly source: string;
}

const KEY_BYTES = 32;

export function keyId(bytes: Uint8Array): string {
  return createHash('sha256')
    .update('conclave secret key id\0')
    .update(bytes)
    .digest('hex')
    .slice(0, 16);
}

function fromBytes(bytes: Buffer, source: string): SecretKey {
  return { bytes, id: keyId(bytes), source };
}

/** A key given as text (the environment, a key file): standard base64 of exactly 32 bytes. */
export function parseSecretKey(text: string, source: string, what = source): SecretKey {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/]{43}=$/.test(trimmed)) {
    throw new ServerError(
      'INVALID_INPUT',
      `${what} must be 32 bytes in base64 (44 characters, e.g. from \`openssl rand -base64 32\`).`,
    );
  }
  return fromBytes(Buffer.from(trimmed, 'base64'), source);
}

function readKeyFile(path: string): SecretKey {
  privateFile(path);
  return parseSecretKey(
    onDisk(path, 'read the secret key file', () => readFileSync(path, 'utf8')),
    `the secret key file ${path}`,
    `The secret key file ${path}`,
  );
}

export interface SecretKeyOptions {
  dataDir: string;
  /** base64; else $CONCLAVE_SECRET_KEY; else the key file. */
  secretKey?: string | undefined;
}

/** The configured key: the option, the environment, or an existing key file; undefined if none. */
export function findSecretKey(
  options: SecretKeyOptions,
  env: NodeJS.ProcessEnv = process.env,
): SecretKey | undefined {
  const given = options.secretKey ?? (env[SECRET_KEY_ENV] || undefined);
  if (given !== undefined) return parseSecretKey(given, SECRET_KEY_ENV);
  const file = join(options.dataDir, SECRET_KEY_FILE);
  return existsSync(file) ? readKeyFile(file) : undefined;
}

/** A new random key written to `name` in the data folder (0600, never over an existing file). */
export function createKeyFile(dataDir: string, name: string): SecretKey {
  privateFolder(dataDir);
  const path = join(dataDir, name);
  const bytes = randomBytes(KEY_BYTES);
  const written = onDisk(
    path,
    'create the secret key file',
    () => {
      try {
        writeFileSync(path, `${bytes.toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
        return true;
      } catch (error) {
        // Another process starting on the same folder wrote it first: use theirs.
        if ((error as { code?: unknown }).code === 'EEXIST') return false;
        throw error;
      }
    },
    ` Make the data folder writable, or set ${SECRET_KEY_ENV}.`,
  );
  return written ? fromBytes(bytes, `the secret key file ${path}`) : readKeyFile(path);
}

/** The key file `name` in the data folder, if there is one. */
export function readKeyFileIfAny(dataDir: string, name: string): SecretKey | undefined {
  const path = join(dataDir, name);
  return existsSync(path) ? readKeyFile(path) : undefined;
}
