// A server that cannot start says why, naming the path or the port and the system's reason — never
// a stack trace, never a port blamed for a folder. The checks run as an unprivileged user (as an
// operator's service account would): a root test run starts the CLI as `nobody`.
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.ts';
import type { CliResult } from './helpers/cli.ts';

const nobody = { uid: 65534, gid: 65534 };
const asRoot = process.getuid?.() === 0;
let root = '';

/** A folder owned by the user the CLI runs as. */
async function ownedFolder(name: string, mode: number): Promise<string> {
  const path = join(root, name);
  await mkdir(path);
  if (asRoot) await chown(path, nobody.uid, nobody.gid);
  await chmod(path, mode);
  return path;
}

async function start(dataDir: string, port = '0'): Promise<CliResult> {
  const config = await ownedFolder(`config-${Math.random().toString(36).slice(2)}`, 0o700);
  return runCli(['server', 'start', '--data-dir', dataDir, '--port', port, '--host', '127.0.0.1'], {
    configDir: config,
    timeoutMs: 30_000,
    ...(asRoot ? { user: nobody } : {}),
  });
}

function expectClearFailure(result: CliResult): void {
  expect(result.code, result.stderr).not.toBe(0);
  expect(result.stderr).not.toMatch(/\n\s+at |node_modules|unexpected error/);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'conclave-start-errors-'));
  await chmod(root, 0o755);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('conclave server start names what stops it', () => {
  it('a data folder it may not write to: the database file and EACCES, not the port', async () => {
    const data = await ownedFolder('read-only-folder', 0o500);
    const result = await start(data);
    expectClearFailure(result);
    expect(result.stderr).toContain(join(data, 'conclave.sqlite'));
    expect(result.stderr).toContain('EACCES');
    expect(result.stderr).not.toContain('listen');
  });

  it('a database file it may only read: the file and the reason', async () => {
    const data = await ownedFolder('read-only-file', 0o700);
    const file = join(data, 'conclave.sqlite');
    await writeFile(file, '');
    if (asRoot) await chown(file, nobody.uid, nobody.gid);
    await chmod(file, 0o400);
    const result = await start(data);
    expectClearFailure(result);
    expect(result.stderr).toContain(file);
    expect(result.stderr).toMatch(/EACCES|SQLITE_READONLY/);
  });

  it('a writable database file in a folder it may not write to (no room for the journal)', async () => {
    const data = await ownedFolder('read-only-journal', 0o700);
    const file = join(data, 'conclave.sqlite');
    await writeFile(file, '');
    if (asRoot) await chown(file, nobody.uid, nobody.gid);
    await chmod(file, 0o600);
    await chmod(data, 0o500);
    const result = await start(data);
    expectClearFailure(result);
    expect(result.stderr).toContain(file);
    expect(result.stderr).toContain('SQLITE_READONLY');
  });

  it('a data folder it cannot create: the folder and the reason', async () => {
    const parent = await ownedFolder('locked-parent', 0o500);
    const data = join(parent, 'data');
    const result = await start(data);
    expectClearFailure(result);
    expect(result.stderr).toContain(data);
    expect(result.stderr).toContain('EACCES');
  });

  it('a port in use: the port, and a way out', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = taken.address() as AddressInfo;
      const data = await ownedFolder('port-in-use', 0o700);
      const result = await start(data, String(port));
      expectClearFailure(result);
      expect(result.stderr).toContain(`port ${port} is already in use`);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('a PostgreSQL that is not there: its address and the reason, never the password', async () => {
    const data = await ownedFolder('no-postgres', 0o700);
    const config = await ownedFolder('no-postgres-config', 0o700);
    const result = await runCli(
      [
        'server',
        'start',
        '--data-dir',
        data,
        '--port',
        '0',
        '--database-url',
        'postgres://postgres:hunter2@127.0.0.1:1/conclave',
      ],
      { configDir: config, timeoutMs: 30_000, ...(asRoot ? { user: nobody } : {}) },
    );
    expectClearFailure(result);
    expect(result.stderr).toContain(
      'Could not reach PostgreSQL at 127.0.0.1:1/conclave (ECONNREFUSED)',
    );
    expect(result.stderr).not.toContain('hunter2');
  });

  it('a privileged port: not allowed to listen on it', async () => {
    const data = await ownedFolder('privileged-port', 0o700);
    const result = await start(data, '80');
    expectClearFailure(result);
    expect(result.stderr).toContain('not allowed to listen on port 80');
  });
});
