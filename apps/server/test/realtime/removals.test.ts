import { join } from 'node:path';
import { openSqlite } from '../../src/storage/sqlite.ts';
import { sqliteDatabase } from '../support/databases.ts';
import { defineRemovalsSuite } from './removals-suite.ts';

defineRemovalsSuite('SQLite', () => {
  const database = sqliteDatabase();
  const db = openSqlite(join(database.location.dataDir, 'conclave.sqlite'));
  return Promise.resolve({
    db,
    async close() {
      await db.close();
      await database.drop();
    },
  });
});
