// Where the server listens and keeps its data: options first, then the environment, then defaults.
import { resolve } from 'node:path';
import { ServerError } from './errors.ts';

export interface LocationOptions {
  port?: number | undefined;
  host?: string | undefined;
  dataDir?: string | undefined;
  databaseUrl?: string | undefined;
}

export interface Location {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
}

export const defaultPort = 8080;

export function resolveLocation(
  options: LocationOptions,
  env: NodeJS.ProcessEnv = process.env,
): Location {
  const envPort = env.PORT === undefined || env.PORT === '' ? undefined : Number(env.PORT);
  const port = options.port ?? envPort ?? defaultPort;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new ServerError('INVALID_INPUT', 'PORT must be a whole number from 0 to 65535.');
  }
  const databaseUrl = options.databaseUrl ?? env.CONCLAVE_DATABASE_URL;
  return {
    port,
    // Loopback unless told otherwise: exposing the server is a deliberate choice (HOST=0.0.0.0).
    host: options.host ?? (env.HOST || '127.0.0.1'),
    dataDir: resolve(options.dataDir ?? (env.CONCLAVE_DATA_DIR || './.data')),
    databaseUrl: databaseUrl === '' ? undefined : databaseUrl,
  };
}
