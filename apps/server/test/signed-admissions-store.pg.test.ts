import { openPostgres } from '../src/storage/postgres.ts';
import { postgresDatabase, requirePgUrl } from './support/databases.ts';
import { defineSignedAdmissionsStoreSuite } from './signed-admissions-store-suite.ts';

// Fails (never skips) without CONCLAVE_TEST_PG_URL: CI sets it.
const url = requirePgUrl();

defineSignedAdmissionsStoreSuite('PostgreSQL', async () => {
  const database = postgresDatabase(url);
  const db = await openPostgres({ url: database.location.databaseUrl ?? '' });
  return {
    db,
    async close() {
      await db.close();
      await database.drop();
    },
  };
});
