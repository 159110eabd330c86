import { postgresDatabase, requirePgUrl } from './support/databases.ts';
import { defineMeetingTimesSuite } from './meeting-times-suite.ts';

// Fails (never skips) without CONCLAVE_TEST_PG_URL: CI sets it.
const url = requirePgUrl();
defineMeetingTimesSuite('PostgreSQL', () => postgresDatabase(url));
