// Turns the `--server` flag and the stored sign-in into a client for one command.
import { readCredentials } from '../config/credentials.ts';
import type { Credentials } from '../config/credentials.ts';
import { CliError } from '../errors.ts';
import { ApiClient } from './client.ts';

/** The server a fresh `conclave sign-in` talks to when neither a flag nor a sign-in names one. */
export const defaultServer = 'http://127.0.0.1:8080';

export interface ServerFlag {
  server?: string;
}

export interface Session {
  api: ApiClient;
  credentials: Credentials;
}

/** Validates a server URL and drops the trailing slash, so stored and typed URLs compare equal. */
export function normalizeServerUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(
      'usage',
      `'${value}' is not a URL; give e.g. --server http://127.0.0.1:8080`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError('usage', `'${value}' is not an http:// or https:// URL`);
  }
  return url.href.replace(/\/+$/, '');
}

/** A client carrying the stored token; fails with exit 3 when there is no sign-in for the server. */
export async function connect(flags: ServerFlag): Promise<Session> {
  const credentials = await readCredentials();
  const wanted = flags.server === undefined ? undefined : normalizeServerUrl(flags.server);
  if (credentials === undefined) {
    const where = wanted === undefined ? '' : ` --server ${wanted}`;
    throw new CliError(
      'not_signed_in',
      `not signed in; run \`conclave sign-in${where} --email …\``,
    );
  }
  if (wanted !== undefined && wanted !== credentials.server) {
    throw new CliError(
      'not_signed_in',
      `signed in to ${credentials.server}, not ${wanted}; run \`conclave sign-in --server ${wanted} --email …\``,
    );
  }
  return {
    api: new ApiClient({ server: credentials.server, token: credentials.token }),
    credentials,
  };
}
