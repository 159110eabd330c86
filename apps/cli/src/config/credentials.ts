// Where `conclave sign-in` keeps the session token: one small JSON file, readable by its owner
// only, in the user's config folder.
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CliError } from '../errors.ts';

export interface Credentials {
  server: string;
  token: string;
  email: string;
}

/** `CONCLAVE_CONFIG_DIR`, else `$XDG_CONFIG_HOME/conclave`, else `~/.config/conclave`. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.CONCLAVE_CONFIG_DIR;
  if (explicit !== undefined && explicit !== '') return explicit;
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.config');
  return join(base, 'conclave');
}

export function credentialsPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), 'credentials.json');
}

export async function readCredentials(
  env: NodeJS.ProcessEnv = process.env,
): Promise<Credentials | undefined> {
  const path = credentialsPath(env);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw new CliError('failed', `cannot read ${path}`, { cause: error });
  }
  const value = parse(text);
  if (value === undefined) {
    throw new CliError(
      'not_signed_in',
      `${path} is not a valid credentials file; run \`conclave sign-in\` again`,
    );
  }
  return value;
}

export async function writeCredentials(
  credentials: Credentials,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const dir = configDir(env);
  const path = credentialsPath(env);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Written beside the target with mode 0600 and renamed over it, so the token is never readable
  // by others, not even for a moment, and a crash leaves the old file intact.
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, path);
  return path;
}

/** Returns whether there was anything to delete. */
export async function deleteCredentials(env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const path = credentialsPath(env);
  try {
    await rm(path);
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw new CliError('failed', `cannot delete ${path}`, { cause: error });
  }
}

function parse(text: string): Credentials | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { server, token, email } = value as Record<string, unknown>;
  if (typeof server !== 'string' || typeof token !== 'string' || typeof email !== 'string') {
    return undefined;
  }
  return { server, token, email };
}

function isMissing(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT';
}
