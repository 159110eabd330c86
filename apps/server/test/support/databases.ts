// Where the tests' databases live: a fresh temporary directory (SQLite), or a fresh schema in the
// PostgreSQL at CONCLAVE_TEST_PG_URL, so runs never see each other's data.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TestDatabase {
  /** For startServer / bootstrapAdmin / openStore. */
  location: { dataDir: string; databaseUrl?: string };
  drop(): Promise<void>;
}

export function sqliteDatabase(): TestDatabase {
  const dataDir = mkdtempSync(join(tmpdir(), 'conclave-test-'));
  return {
    location: { dataDir },
    drop: () => Promise.resolve(rmSync(dataDir, { recursive: true, force: true })),
  };
}

export function requirePgUrl(): string {
  const url = process.env.CONCLAVE_TEST_PG_URL;
  if (url === undefined || url === '') {
    throw new Error(
      'CONCLAVE_TEST_PG_URL is not set. The PostgreSQL tests need a server, e.g. ' +
        'CONCLAVE_TEST_PG_URL=postgres://postgres:postgres@127.0.0.1:5432/conclave_test npm run test:pg',
    );
  }
  return url;
}

export function postgresDatabase(url: string): TestDatabase {
  const schema = `conclave_test_${randomBytes(6).toString('hex')}`;
  const withSchema = new URL(url);
  withSchema.searchParams.set('schema', schema);
  const dataDir = mkdtempSync(join(tmpdir(), 'conclave-pgtest-'));
  return {
    location: { dataDir, databaseUrl: withSchema.toString() },
    async drop() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A cheap scrypt cost for tests that create many users; the default is tested on its own. */
export const fastPasswords = { N: 2 ** 10, r: 8, p: 1 };
