import { sqliteDatabase } from '../support/databases.ts';
import { defineRestartSuite } from './restart-suite.ts';

defineRestartSuite('SQLite', sqliteDatabase);
