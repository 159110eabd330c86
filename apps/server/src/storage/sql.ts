// The one interface the repositories speak. SQL is written once, portable, with `?` placeholders;
// each driver module (sqlite.ts, postgres.ts) adapts placeholders, value types and transactions.

export type Dialect = 'sqlite' | 'postgres';

/** Values a query may bind. Booleans are stored as 0/1 in both dialects. */
export type SqlParam = string | number | boolean | null;

export interface SqlDb {
  readonly dialect: Dialect;
  all<Row>(sql: string, params?: readonly SqlParam[]): Promise<Row[]>;
  get<Row>(sql: string, params?: readonly SqlParam[]): Promise<Row | undefined>;
  /** Runs a statement and returns the number of rows it changed. */
  run(sql: string, params?: readonly SqlParam[]): Promise<number>;
  /** Runs `work` in one transaction: all of it commits or none. Nested calls join the outer one. */
  transaction<T>(work: (tx: SqlDb) => Promise<T>): Promise<T>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
  /** Whether `error` is this driver's unique-constraint violation. */
  isUniqueViolation(error: unknown): boolean;
  /** Whether `error` is this driver's foreign-key violation. */
  isForeignKeyViolation(error: unknown): boolean;
  close(): Promise<void>;
}

export function toSqlValue(param: SqlParam): string | number | null {
  return typeof param === 'boolean' ? (param ? 1 : 0) : param;
}
