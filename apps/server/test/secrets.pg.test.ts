import { postgresDatabase, requirePgUrl } from './support/databases.ts';
import { defineSecretsSuite } from './secrets-suite.ts';

// Fails (never skips) without CONCLAVE_TEST_PG_URL: CI sets it.
const url = requirePgUrl();
defineSecretsSuite('PostgreSQL', () => postgresDatabase(url));
