import { sqliteDatabase } from './support/databases.ts';
import { defineIsolationSuite } from './isolation-suite.ts';

defineIsolationSuite('SQLite', sqliteDatabase);
