import { join } from 'node:path';
import { openSqlite } from '../src/storage/sqlite.ts';
import { sqliteDatabase } from './support/databases.ts';
import { defineSignedAdmissionsStoreSuite } from './signed-admissions-store-suite.ts';

defineSignedAdmissionsStoreSuite('SQLite', () => {
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
