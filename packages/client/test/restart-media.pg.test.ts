// The restart-media suite on PostgreSQL (CONCLAVE_TEST_PG_URL): a fresh schema per test.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { defineRestartMediaSuite } from './restart-media-suite.ts';

defineRestartMediaSuite('PostgreSQL', async () => {
  const url = process.env.CONCLAVE_TEST_PG_URL;
  if (url === undefined || url === '') throw new Error('CONCLAVE_TEST_PG_URL is not set');
  const schema = `conclave_test_${randomBytes(6).toString('hex')}`;
  const withSchema = new URL(url);
  withSchema.searchParams.set('schema', schema);
  const dataDir = await mkdtemp(join(tmpdir(), 'conclave-restart-media-pg-'));
  return {
    dataDir,
    databaseUrl: withSchema.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});
