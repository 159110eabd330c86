// The known-device tokens `conclave sign-in` got back, one per server, email and organization
// (when one was named), in a small JSON file beside the credentials (mode 0600). Unlike the
// session it survives `sign-out`: it is what lets this machine sign in while someone is guessing
// the account's password elsewhere. It is no session: without the password it opens nothing.
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { configDir } from './credentials.ts';

export function knownDevicesPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), 'known-devices.json');
}

/** Which account a token belongs to, as far as the CLI knows: where, who, and which organization. */
export interface DeviceKey {
  server: string;
  email: string;
  organization?: string | undefined;
}

const keyOf = ({ server, email, organization }: DeviceKey) =>
  [server, email, organization]
    .filter((part) => part !== undefined)
    .map((part) => part.trim().toLowerCase())
    .join(' ');

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
  key: DeviceKey,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  return (await readAll(env))[keyOf(key)];
}

export async function writeDeviceToken(
  key: DeviceKey,
  token: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const all = await readAll(env);
  all[keyOf(key)] = token;
  const path = knownDevicesPath(env);
  await mkdir(configDir(env), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, path);
}
