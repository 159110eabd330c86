import { postgresDatabase, requirePgUrl } from './support/databases.ts';
import { defineGovernanceSuite } from './governance-suite.ts';

// Fails (never skips) without CONCLAVE_TEST_PG_URL: CI sets it.
const url = requirePgUrl();
defineGovernanceSuite('PostgreSQL', () => postgresDatabase(url));
