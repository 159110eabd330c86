import { postgresDatabase, requirePgUrl } from './support/databases.ts';
import { defineIsolationSuite } from './isolation-suite.ts';

// Fails (never skips) without CONCLAVE_TEST_PG_URL: CI sets it.
const url = requirePgUrl();
defineIsolationSuite('PostgreSQL', () => postgresDatabase(url));
