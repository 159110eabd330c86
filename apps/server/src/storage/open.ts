// Opens the configured database (PostgreSQL for a postgres:// URL, else a SQLite file in the data
// directory), brings its schema up to date and returns the store. The data directory is private
// (0700) and the SQLite files are the owner's alone (0600): existing ones are tightened too.
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { ServerError } from '../errors.ts';
import { onDisk, privateFile, privateFolder } from '../private-files.ts';
import { migrate } from './migrations.ts';
import { openPostgres } from './postgres.ts';
import { openSqlite } from './sqlite.ts';
import type { SqlDb } from './sql.ts';
import { createStore } from './store.ts';
import type { Store } from './store.ts';

export interface DatabaseOptions {
  dataDir: string;
  databaseUrl?: string | undefined;
}

export async function openDatabase(options: DatabaseOptions): Promise<SqlDb> {
  const url = options.databaseUrl;
  if (url !== undefined && url !== '') {
    if (!/^postgres(ql)?:\/\//.test(url)) {
      throw new ServerError(
        'INVALID_INPUT',
        'The database URL must start with postgres:// (or leave it unset for SQLite).',
      );
    }
    return openPostgres({ url });
  }
  privateFolder(options.dataDir);
  const file = join(options.dataDir, 'conclave.sqlite');
  // Created 0600 before SQLite opens it: SQLite gives its -wal and -shm files the same mode.
  onDisk(
    file,
    'create or open for writing the database file',
    () => closeSync(openSync(file, 'a', 0o600)),
    writableAdvice,
  );
  for (const path of [file, `${file}-wal`, `${file}-shm`]) privateFile(path);
  return onDisk(file, 'open the database file', () => openSqlite(file), writableAdvice);
}

const writableAdvice =
  ' The user running the server must be able to write to the data folder and its files.';

export async function openStore(options: DatabaseOptions, now: () => number): Promise<Store> {
  const db = await openDatabase(options);
  try {
    await migrate(db, now);
  } catch (error) {
    await db.close();
    throw error;
  }
  return createStore(db);
}
