import { sqliteDatabase } from './support/databases.ts';
import { defineMeetingTimesSuite } from './meeting-times-suite.ts';

defineMeetingTimesSuite('SQLite', sqliteDatabase);
