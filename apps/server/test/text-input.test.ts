import { sqliteDatabase } from './support/databases.ts';
import { defineTextInputSuite } from './text-input-suite.ts';

defineTextInputSuite('SQLite', sqliteDatabase);
