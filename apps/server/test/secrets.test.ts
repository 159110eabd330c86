import { sqliteDatabase } from './support/databases.ts';
import { defineSecretsSuite } from './secrets-suite.ts';

defineSecretsSuite('SQLite', sqliteDatabase);
