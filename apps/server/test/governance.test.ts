import { sqliteDatabase } from './support/databases.ts';
import { defineGovernanceSuite } from './governance-suite.ts';

defineGovernanceSuite('SQLite', sqliteDatabase);
