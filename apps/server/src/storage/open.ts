// Opens the configured database (PostgreSQL for a postgres:// URL, else a SQLite file in the data
// directory), brings its schema up to date and returns the store.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ServerError } from '../errors.ts';
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
  mkdirSync(options.dataDir, { recursive: true });
  return openSqlite(join(options.dataDir, 'conclave.sqlite'));
}

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
