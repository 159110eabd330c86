import { postgresDatabase, requirePgUrl } from '../support/databases.ts';
import { defineRestartSuite } from './restart-suite.ts';

defineRestartSuite('PostgreSQL', () => postgresDatabase(requirePgUrl()));
