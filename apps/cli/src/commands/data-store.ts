// What the commands that work on a server's data store directly (start, bootstrap, key rotation,
// backup, restore) share: the storage flags, loading the server package, and its errors as the
// CLI's own.
import type { Command } from 'commander';
import { CliError } from '../errors.ts';

// Loaded only by the commands that run it, so every other command starts without pulling in
// Fastify and the database drivers.
export const loadServer = () => import('@conclave/server');

export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

export function storageOptions(command: Command): Command {
  return command
    .option(
      '--data-dir <dir>',
      'where the SQLite database lives (env CONCLAVE_DATA_DIR, default ./.data)',
    )
    .option(
      '--database-url <url>',
      'postgres://… to use PostgreSQL instead (env CONCLAVE_DATABASE_URL)',
    );
}

/** The server package's own errors carry a stable code and a message safe to show as-is. */
export function refusal(error: unknown): Error {
  if (error instanceof Error && error.name === 'ServerError' && 'code' in error) {
    const kind =
      error.code === 'INVALID_INPUT' || error.code === 'WEAK_PASSWORD' ? 'invalid_input' : 'failed';
    return new CliError(kind, `${error.message} [${String(error.code)}]`, { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}
