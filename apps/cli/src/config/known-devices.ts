// The known-device tokens `conclave sign-in` got back, one per server and email, in a small JSON
// file beside the credentials (mode 0600). Unlike the session it survives `sign-out`: it is what
// lets this machine sign in while someone is guessing the account's password elsewhere. It is no
// session: without the password it opens nothing.
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { configDir } from './credentials.ts';

export function knownDevicesPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), 'known-devices.json');
}

const keyOf = (server: string, email: string) => `${server} ${email.trim().toLowerCase()}`;

async function readAll(env: NodeJS.ProcessEnv): Promise<Record<string, string>> {
  try {
    const value: unknown = JSON.parse(await readFile(knownDevicesPath(env), 'utf8'));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
    return Object.fromEntries(
      Object.entries(value).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string',
      ),
    );
  } catch {
    // Missing or unreadable: sign in as a new device; the next success writes a good file.
    return {};
  }
}

export async function readDeviceToken(
  server: string,
  email: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  return (await readAll(env))[keyOf(server, email)];
}

export async function writeDeviceToken(
  server: string,
  email: string,
  token: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const all = await readAll(env);
  all[keyOf(server, email)] = token;
  const path = knownDevicesPath(env);
  await mkdir(configDir(env), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, path);
}
