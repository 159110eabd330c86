// `conclave backup`: a consistent online copy of the SQLite database (SQLite's backup API, while
// the server runs) and the secret key file that seals the external-sender keys, into a new
// private folder with a manifest. PostgreSQL is backed up with its own tools (pg_dump): this
// refuses it with the way to go (docs/operations.md).
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveLocation } from '../config.ts';
import { ServerError } from '../errors.ts';
import { onDisk, privateFile } from '../private-files.ts';
import { SECRET_KEY_ENV, SECRET_KEY_FILE, readKeyFileIfAny } from '../secrets/secret-key.ts';
import { openSqlite, backupSqlite } from '../storage/sqlite.ts';
import { DATABASE_FILE, MANIFEST_FILE, sha256File } from './manifest.ts';
import type { Manifest } from './manifest.ts';
import { schemaVersion, tableRows } from './table-rows.ts';

export interface BackupOptions {
  dataDir?: string;
  databaseUrl?: string;
  /** The folder to create; it must not exist or be empty. */
  to: string;
  /** Leave the secret key out (keep it elsewhere); restoring then needs it given separately. */
  withoutSecretKey?: boolean;
  now?: () => number;
}

export interface BackupSummary {
  folder: string;
  manifest: Manifest;
}

function emptyFolder(path: string): void {
  const used = onDisk(path, 'look into the backup folder', () =>
    existsSync(path) ? readdirSync(path).length > 0 : false,
  );
  if (used) {
    throw new ServerError(
      'INVALID_INPUT',
      `The backup folder ${path} is not empty; give a new folder for each backup.`,
    );
  }
  onDisk(path, 'create the backup folder', () => mkdirSync(path, { recursive: true, mode: 0o700 }));
}

export async function backupDataStore(options: BackupOptions): Promise<BackupSummary> {
  const location = resolveLocation(options);
  if (location.databaseUrl !== undefined && location.databaseUrl !== '') {
    throw new ServerError(
      'INVALID_INPUT',
      'This server keeps its data in PostgreSQL: back it up with pg_dump, and keep the secret key ' +
        'file beside the dump (docs/operations.md, "Backup and restore").',
    );
  }
  const source = join(location.dataDir, DATABASE_FILE);
  if (!existsSync(source)) {
    throw new ServerError('INVALID_INPUT', `There is no database at ${source} to back up.`);
  }
  emptyFolder(options.to);
  const copy = join(options.to, DATABASE_FILE);
  await onDisk(source, 'back up the database', () => backupSqlite(source, copy));
  privateFile(copy);

  const db = openSqlite(copy);
  let rows: Record<string, number>;
  let version: number;
  try {
    const check = await db.get<{ integrity_check: string }>('PRAGMA integrity_check');
    if (check?.integrity_check !== 'ok') {
      throw new ServerError(
        'INVALID_INPUT',
        `The copy of ${source} failed SQLite's integrity check.`,
      );
    }
    // One file: the copy is self-contained, with no -wal beside it.
    await db.exec('PRAGMA journal_mode = DELETE');
    rows = await tableRows(db);
    version = await schemaVersion(db);
  } finally {
    await db.close();
  }

  const files: Record<string, string> = { [DATABASE_FILE]: sha256File(copy) };
  const keyFile = readKeyFileIfAny(location.dataDir, SECRET_KEY_FILE);
  let secretKey: Manifest['secretKey'];
  if (keyFile !== undefined && options.withoutSecretKey !== true) {
    const target = join(options.to, SECRET_KEY_FILE);
    onDisk(target, 'copy the secret key file to', () =>
      copyFileSync(join(location.dataDir, SECRET_KEY_FILE), target),
    );
    privateFile(target);
    files[SECRET_KEY_FILE] = sha256File(target);
    secretKey = { included: true, keyId: keyFile.id };
  } else {
    secretKey = {
      included: false,
      keyId: keyFile?.id ?? null,
      reason:
        keyFile !== undefined
          ? 'left out on request: keep it safe, a restore needs it'
          : `no key file in the data folder (the key comes from ${SECRET_KEY_ENV}, or none was made yet)`,
    };
  }
  const manifest: Manifest = {
    format: 'conclave-backup',
    formatVersion: 1,
    createdAt: new Date((options.now ?? Date.now)()).toISOString(),
    database: 'sqlite',
    schemaVersion: version,
    files,
    rows,
    secretKey,
  };
  const manifestPath = join(options.to, MANIFEST_FILE);
  onDisk(manifestPath, 'write the backup manifest', () =>
    writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 }),
  );
  return { folder: options.to, manifest };
}
