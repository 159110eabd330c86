// Versioned schema migrations, applied in order at start and recorded in `schema_migrations`.
// What each version does is in ./schema-history.ts; this file applies them.
import { ServerError } from '../errors.ts';
import { ddl, migrations, type Migration } from './schema-history.ts';
import type { SqlDb } from './sql.ts';

export { migrations, type Migration } from './schema-history.ts';

/** The schema version this build brings a database to. */
export const latestSchemaVersion = Math.max(...migrations.map((migration) => migration.version));

/**
 * Applies every migration of `list` not yet recorded, each in its own transaction. Returns those
 * applied. Tests pass a prefix of the list to build an older schema.
 */
export async function migrate(
  db: SqlDb,
  now: () => number,
  list: readonly Migration[] = migrations,
): Promise<number[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at BIGINT NOT NULL
  )`);
  const applied = new Set(
    (await db.all<{ version: number }>('SELECT version FROM schema_migrations')).map(
      (row) => row.version,
    ),
  );
  const known = Math.max(0, ...list.map((migration) => migration.version));
  const newest = Math.max(0, ...applied);
  if (newest > known) {
    throw new ServerError(
      'INVALID_INPUT',
      `The database has schema version ${newest}, newer than this Conclave knows (${known}): it was upgraded by a newer version. Run that version, or restore a backup taken before the upgrade.`,
    );
  }
  const done: number[] = [];
  for (const migration of list) {
    if (applied.has(migration.version)) continue;
    // PRAGMA foreign_keys has no effect inside a transaction: it is switched around it.
    const keysOff = migration.rebuildsReferencedTable === true && db.dialect === 'sqlite';
    if (keysOff) await db.exec('PRAGMA foreign_keys = OFF');
    try {
      await db.transaction(async (tx) => {
        await tx.exec(migration.sql(ddl[db.dialect]));
        if (keysOff && (await tx.all('PRAGMA foreign_key_check')).length > 0) {
          throw new Error(`migration ${migration.version} would break a foreign key`);
        }
        await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
          migration.version,
          migration.name,
          now(),
        ]);
      });
    } finally {
      if (keysOff) await db.exec('PRAGMA foreign_keys = ON');
    }
    done.push(migration.version);
  }
  return done;
}
