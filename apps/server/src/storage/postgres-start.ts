// Why the server could not reach PostgreSQL when starting, in a sentence an operator can act on.
// The database URL's password never appears: the target is named by host, port and database.
import { ServerError } from '../errors.ts';
import { failureCode, isDatabaseUnreachable } from './unavailable.ts';

/** `host:port/database` of a postgres:// URL, without user or password. */
export function describeTarget(url: URL): string {
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || '(default database)';
  return `${url.hostname}:${url.port === '' ? '5432' : url.port}/${database}`;
}

/** SQLSTATEs of a refused sign-in: bad password (28P01) or not authorized at all (28000). */
const refusedCredentials = new Set(['28P01', '28000']);

export function refusedAtStart(error: unknown, target: string): ServerError {
  const code = failureCode(error);
  if (refusedCredentials.has(code)) {
    return new ServerError(
      'INVALID_INPUT',
      `PostgreSQL at ${target} refused the user name or password in the database URL (${code}).`,
      { cause: error },
    );
  }
  if (code === '3D000') {
    return new ServerError(
      'INVALID_INPUT',
      `PostgreSQL at ${target} has no such database (${code}); create it or fix the URL.`,
      { cause: error },
    );
  }
  if (isDatabaseUnreachable(error)) {
    return new ServerError(
      'UNAVAILABLE',
      `Could not reach PostgreSQL at ${target} (${code}). Is it running and listening there?`,
      { cause: error },
    );
  }
  return new ServerError(
    'INVALID_INPUT',
    `PostgreSQL at ${target} answered the first query with an error (${code}).`,
    {
      cause: error,
    },
  );
}
