// `conclave restore`: a backup folder into a fresh data folder. Every file is checked against the
// manifest before anything is written, the data folder must hold no database yet, a backup made by
// a newer Conclave is refused, and after the copy the database is migrated to this version and its
// rows are compared with what the backup recorded.
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ServerError } from '../errors.ts';
import { onDisk, privateFile, privateFolder } from '../private-files.ts';
import { SECRET_KEY_FILE } from '../secrets/secret-key.ts';
import { latestSchemaVersion, migrate } from '../storage/migrations.ts';
import { openSqlite } from '../storage/sqlite.ts';
import { DATABASE_FILE, MANIFEST_FILE, manifestSchema, sha256File } from './manifest.ts';
import type { Manifest } from './manifest.ts';
import { tableRows } from './table-rows.ts';

export interface RestoreOptions {
  from: string;
  dataDir: string;
  now?: () => number;
}

export interface RestoreSummary {
  dataDir: string;
  manifest: Manifest;
  /** Migrations applied after the copy (a backup from an older version). */
  migrated: number[];
}

function readManifest(folder: string): Manifest {
  const path = join(folder, MANIFEST_FILE);
  const text = onDisk(path, 'read the backup manifest', () => readFileSync(path, 'utf8'));
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ServerError('INVALID_INPUT', `${path} is not JSON: not a Conclave backup.`);
  }
  const manifest = manifestSchema.safeParse(parsed);
  if (!manifest.success) {
    throw new ServerError('INVALID_INPUT', `${path} is not a Conclave backup manifest.`);
  }
  return manifest.data;
}

function checkFiles(folder: string, manifest: Manifest): void {
  for (const [name, digest] of Object.entries(manifest.files)) {
    if (name !== DATABASE_FILE && name !== SECRET_KEY_FILE) {
      throw new ServerError(
        'INVALID_INPUT',
        `The backup manifest names an unexpected file, ${name}.`,
      );
    }
    const path = join(folder, name);
    const actual = onDisk(path, 'read the backup file', () => sha256File(path));
    if (actual !== digest) {
      throw new ServerError(
        'INVALID_INPUT',
        `${path} does not match its checksum in the manifest: the backup is damaged.`,
      );
    }
  }
  if (manifest.files[DATABASE_FILE] === undefined) {
    throw new ServerError('INVALID_INPUT', 'The backup manifest names no database file.');
  }
}

export async function restoreDataStore(options: RestoreOptions): Promise<RestoreSummary> {
  const manifest = readManifest(options.from);
  if (manifest.schemaVersion > latestSchemaVersion) {
    throw new ServerError(
      'INVALID_INPUT',
      `The backup was made by a newer Conclave (schema version ${manifest.schemaVersion}; this one knows up to ${latestSchemaVersion}). Restore it with that version or later.`,
    );
  }
  checkFiles(options.from, manifest);
  const target = join(options.dataDir, DATABASE_FILE);
  if (existsSync(target)) {
    throw new ServerError(
      'INVALID_INPUT',
      `The data folder ${options.dataDir} already holds a database; restore into a new, empty folder.`,
    );
  }
  privateFolder(options.dataDir);
  for (const name of Object.keys(manifest.files)) {
    const destination = join(options.dataDir, name);
    onDisk(destination, 'restore the file', () =>
      copyFileSync(join(options.from, name), destination),
    );
    privateFile(destination);
  }

  const db = openSqlite(target);
  try {
    const restored = await tableRows(db);
    for (const [table, count] of Object.entries(manifest.rows)) {
      if (restored[table] !== count) {
        throw new ServerError(
          'INVALID_INPUT',
          `After restoring, table ${table} has ${restored[table] ?? 0} rows where the backup recorded ${count}.`,
        );
      }
    }
    const migrated = await migrate(db, options.now ?? Date.now);
    return { dataDir: options.dataDir, manifest, migrated };
  } finally {
    await db.close();
  }
}
