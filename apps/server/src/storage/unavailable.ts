// A database that cannot be reached is an outage, not a bug: requests meet it as 503 UNAVAILABLE
// with Retry-After (clients wait and retry), and the log names the cause's code, not a bare "Error".
import { ServerError } from '../errors.ts';

/** How long a client is told to wait before retrying while the database is away. */
export const UNAVAILABLE_RETRY_SECONDS = 5;

/** Socket-level codes of a connection that could not be made or was lost. */
const connectionCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * PostgreSQL SQLSTATEs of a server that is not serving: class 08 (connection exception), 57P01–03
 * (shut down by an administrator, crashed, starting up) and 53300 (too many connections).
 */
function isUnavailableState(code: string): boolean {
  return code.startsWith('08') || ['57P01', '57P02', '57P03', '53300'].includes(code);
}

/** What node-postgres throws, without a code, when a connection ends under it. */
const lostConnection =
  /Connection terminated|connection error and is not queryable|timeout exceeded when trying to connect/;

export function isDatabaseUnreachable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') return connectionCodes.has(code) || isUnavailableState(code);
  return typeof message === 'string' && lostConnection.test(message);
}

/** The database is away: its own error, or that error already turned into 503 UNAVAILABLE. */
export function isOutage(error: unknown): boolean {
  if (error instanceof ServerError && error.code === 'UNAVAILABLE') return true;
  return isDatabaseUnreachable(error);
}

/** The underlying database failure of an outage (the cause of an UNAVAILABLE), for its code. */
export function outageCause(error: unknown): unknown {
  return error instanceof ServerError && error.code === 'UNAVAILABLE' ? error.cause : error;
}

/** The code to log for a database failure: the SQLSTATE or socket code, or "connection-lost". */
export function failureCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'connection-lost';
}

export function databaseUnavailable(error: unknown): ServerError {
  return new ServerError(
    'UNAVAILABLE',
    `The database is unavailable (${failureCode(error)}); try again shortly.`,
    { cause: error, retryAfterSeconds: UNAVAILABLE_RETRY_SECONDS },
  );
}

/** Rethrows a lost database as UNAVAILABLE; any other failure as it is. */
export function rethrowUnreachable(error: unknown): never {
  throw isDatabaseUnreachable(error) ? databaseUnavailable(error) : error;
}
