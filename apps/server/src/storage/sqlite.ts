// The only module that imports better-sqlite3. The driver is synchronous, so the adapter keeps
// transactions correct under concurrent requests with a queue: while one transaction is open,
// every other top-level statement waits for it instead of running inside it.
import Database from 'better-sqlite3';
import { toSqlValue } from './sql.ts';
import type { SqlDb, SqlParam } from './sql.ts';

export function openSqlite(file: string): SqlDb {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Deleted and overwritten content is zeroed, so a rewritten secret leaves no old copy behind.
  db.pragma('secure_delete = ON');
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;

  const bind = (params: readonly SqlParam[]): (string | number | null)[] => params.map(toSqlValue);

  const direct = {
    all<Row>(sql: string, params: readonly SqlParam[] = []): Row[] {
      return db.prepare(sql).all(...bind(params)) as Row[];
    },
    get<Row>(sql: string, params: readonly SqlParam[] = []): Row | undefined {
      return db.prepare(sql).get(...bind(params)) as Row | undefined;
    },
    run(sql: string, params: readonly SqlParam[] = []): number {
      return db.prepare(sql).run(...bind(params)).changes;
    },
  };

  const isCode = (error: unknown, codes: string[]): boolean =>
    error instanceof Database.SqliteError && codes.includes(error.code);
  const isUniqueViolation = (error: unknown): boolean =>
    isCode(error, ['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);
  const isForeignKeyViolation = (error: unknown): boolean =>
    isCode(error, ['SQLITE_CONSTRAINT_FOREIGNKEY']);

  /** A synchronous call as a promise: a throw becomes a rejection. */
  const settle = <T>(call: () => T): Promise<T> => new Promise<T>((resolve) => resolve(call()));

  /** The handle a transaction's work receives: statements run at once, inside the transaction. */
  const inTransaction: SqlDb = {
    dialect: 'sqlite',
    all: (sql, params) => settle(() => direct.all(sql, params)),
    get: (sql, params) => settle(() => direct.get(sql, params)),
    run: (sql, params) => settle(() => direct.run(sql, params)),
    transaction: (work) => work(inTransaction),
    exec: (script) => settle(() => void db.exec(script)),
    isUniqueViolation,
    isForeignKeyViolation,
    close: () => Promise.reject(new Error('close() inside a transaction')),
  };

  function enqueue<T>(task: () => T | Promise<T>): Promise<T> {
    const result = queue.then(task);
    queue = result.catch(() => undefined);
    return result;
  }

  return {
    dialect: 'sqlite',
    all: (sql, params) => enqueue(() => direct.all(sql, params)),
    get: (sql, params) => enqueue(() => direct.get(sql, params)),
    run: (sql, params) => enqueue(() => direct.run(sql, params)),
    exec: (script) => enqueue(() => void db.exec(script)),
    transaction: <T>(work: (tx: SqlDb) => Promise<T>) =>
      enqueue(async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const result = await work(inTransaction);
          db.exec('COMMIT');
          return result;
        } catch (error) {
          db.exec('ROLLBACK');
          throw error;
        }
      }),
    isUniqueViolation,
    isForeignKeyViolation,
    close: () =>
      enqueue(() => {
        if (closed) return;
        closed = true;
        db.close();
      }),
  };
}

/**
 * A consistent copy of the SQLite database `source` at `target`, taken with SQLite's online
 * backup API: the server may go on writing meanwhile; the copy is one moment of it.
 */
export async function backupSqlite(source: string, target: string): Promise<void> {
  const db = new Database(source, { fileMustExist: true });
  try {
    await db.backup(target);
  } finally {
    db.close();
  }
}
