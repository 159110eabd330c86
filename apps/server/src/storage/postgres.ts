// The only module that imports pg. Converts `?` placeholders to `$n`, reads BIGINT columns as
// numbers (every BIGINT here is a millisecond timestamp or a row counter, far below 2^53), and
// runs each transaction on one pooled connection.
import pg from 'pg';
import { ServerError } from '../errors.ts';
import { toSqlValue } from './sql.ts';
import { describeTarget, refusedAtStart } from './postgres-start.ts';
import { rethrowUnreachable } from './unavailable.ts';
import type { SqlDb, SqlParam } from './sql.ts';

const INT8_OID = 20;

export interface PostgresOptions {
  /** postgres://… connection URL; a `schema` query parameter selects (and creates) a schema. */
  url: string;
}

export async function openPostgres(options: PostgresOptions): Promise<SqlDb> {
  const url = new URL(options.url);
  const schema = url.searchParams.get('schema');
  url.searchParams.delete('schema');
  if (schema !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new ServerError(
      'INVALID_INPUT',
      'The schema parameter of the database URL must be a plain lowercase name.',
    );
  }
  const builtIn = pg.types.getTypeParser as (oid: number, format?: string) => unknown;
  const types = {
    getTypeParser: ((oid: number, format?: string) =>
      oid === INT8_OID
        ? (value: string) => Number(value)
        : builtIn(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
  };
  const pool = new pg.Pool({
    connectionString: url.toString(),
    types,
    max: 10,
    ...(schema === null ? {} : { options: `-c search_path=${schema}` }),
  });
  // An idle connection that the server drops must not crash the process.
  pool.on('error', () => undefined);
  // Reach the database once now, so a wrong address or password stops the start with a sentence.
  await pool.query('SELECT 1').catch((error: unknown) => {
    void pool.end();
    throw refusedAtStart(error, describeTarget(url));
  });
  if (schema !== null) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);

  const isCode = (error: unknown, code: string): boolean =>
    typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
  const isUniqueViolation = (error: unknown): boolean => isCode(error, '23505');
  const isForeignKeyViolation = (error: unknown): boolean => isCode(error, '23503');

  function over(queryable: pg.Pool | pg.PoolClient, inTransaction: boolean): SqlDb {
    const query = async <Row>(sql: string, params: readonly SqlParam[]) =>
      (
        queryable.query(toNumberedPlaceholders(sql), params.map(toSqlValue)) as Promise<
          pg.QueryResult<Row & pg.QueryResultRow>
        >
      ).catch(rethrowUnreachable);
    const self: SqlDb = {
      dialect: 'postgres',
      all: async <Row>(sql: string, params: readonly SqlParam[] = []) =>
        (await query<Row>(sql, params)).rows as Row[],
      get: async <Row>(sql: string, params: readonly SqlParam[] = []) =>
        (await query<Row>(sql, params)).rows[0] as Row | undefined,
      run: async (sql, params = []) => (await query(sql, params)).rowCount ?? 0,
      exec: async (script) => void (await queryable.query(script).catch(rethrowUnreachable)),
      transaction: async <T>(work: (tx: SqlDb) => Promise<T>): Promise<T> => {
        if (inTransaction) return work(self);
        const client = await pool.connect().catch(rethrowUnreachable);
        try {
          await client.query('BEGIN').catch(rethrowUnreachable);
          const result = await work(over(client, true));
          await client.query('COMMIT').catch(rethrowUnreachable);
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        } finally {
          client.release();
        }
      },
      isUniqueViolation,
      isForeignKeyViolation,
      close: async () => {
        if (!pool.ended) await pool.end();
      },
    };
    return self;
  }
  return over(pool, false);
}

/** `a = ? AND b = ?` → `a = $1 AND b = $2`, leaving `?` inside quoted literals alone. */
export function toNumberedPlaceholders(sql: string): string {
  let out = '';
  let index = 0;
  let quote: string | null = null;
  for (const char of sql) {
    if (quote !== null) {
      if (char === quote) quote = null;
      out += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      out += char;
    } else if (char === '?') {
      index += 1;
      out += `$${index}`;
    } else {
      out += char;
    }
  }
  return out;
}
