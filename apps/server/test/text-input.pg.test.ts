import { postgresDatabase, requirePgUrl } from './support/databases.ts';
import { defineTextInputSuite } from './text-input-suite.ts';

// Fails (never skips) without CONCLAVE_TEST_PG_URL: CI sets it.
const url = requirePgUrl();
defineTextInputSuite('PostgreSQL', () => postgresDatabase(url));
