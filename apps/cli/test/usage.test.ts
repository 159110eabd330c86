// What a user sees when a command cannot run: bad flags (exit 2), no sign-in (exit 3), a server
// that is not there (exit 5) — one clear line, never a stack trace; with --json, a JSON object.
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from './helpers/cli.ts';

let config: { path: string; remove: () => Promise<void> };
beforeAll(async () => {
  config = await tempDir('usage');
});
afterAll(async () => {
  await config.remove();
});

function expectNoStack(stderr: string): void {
  expect(stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('usage errors exit 2 with a clear line', () => {
  it('an unknown flag', async () => {
    const result = await runCli(['policy', 'list', '--frobnicate'], { configDir: config.path });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option '--frobnicate'");
    expect(result.stdout).toBe('');
    expectNoStack(result.stderr);
  });

  it('a value outside the allowed choices, named with the choices', async () => {
    const result = await runCli(['policy', 'new', 'X', '--meeting-e2ee', 'Sometimes'], {
      configDir: config.path,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Allowed choices are Disabled, DisabledUserOverride');
  });

  it('an unknown meeting option, with the list of known ones', async () => {
    const result = await runCli(['meeting', 'schedule', 'Sync', '--enable', 'teleport'], {
      configDir: config.path,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("'teleport' is not a meeting option");
    expect(result.stderr).toContain('recording');
  });

  it('with --json, the usage error is a JSON object on stderr', async () => {
    const result = await runCli(['policy', 'grant', 'NoE2EE', '--rank', 'first', '--json'], {
      configDir: config.path,
    });
    expect(result.code).toBe(2);
    const body = JSON.parse(result.stderr) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('usage');
    expect(body.error.message).toContain('--rank');
  });
});

describe('without a sign-in', () => {
  it('exits 3 and says to run conclave sign-in', async () => {
    const result = await runCli(['policy', 'list'], { configDir: config.path });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('run `conclave sign-in');
    expectNoStack(result.stderr);
  });

  it('exits 3 with a JSON error under --json', async () => {
    const result = await runCli(['user', 'list', '--json'], { configDir: config.path });
    expect(result.code).toBe(3);
    const body = JSON.parse(result.stderr) as { error: { code: string; exitCode: number } };
    expect(body.error).toMatchObject({ code: 'not_signed_in', exitCode: 3 });
  });
});

describe('conclave --version', () => {
  it('prints the version of the command', async () => {
    const dir = await tempDir('version');
    try {
      const result = await runCli(['--version'], { configDir: dir.path });
      expect(result.code).toBe(0);
      expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    } finally {
      await dir.remove();
    }
  });
});

describe('a server that is not there', () => {
  it('sign-in says so before asking for a password, finding the server in CONCLAVE_SERVER', async () => {
    const dir = await tempDir('sign-in-refused');
    try {
      const server = `http://127.0.0.1:${await closedPort()}`;
      const result = await runCli(['sign-in', '--email', 'admin@example.org'], {
        configDir: dir.path,
        env: { CONCLAVE_SERVER: server },
        stdin: 'a password nobody should have typed\n',
      });
      expect(result.code).toBe(5);
      expect(result.stderr).toContain(`cannot reach the Conclave server at ${server}`);
      expect(result.stderr).not.toContain('Password for');
      expectNoStack(result.stderr);
    } finally {
      await dir.remove();
    }
  });

  it('exits 5 naming the URL', async () => {
    const dir = await tempDir('refused');
    try {
      const server = `http://127.0.0.1:${await closedPort()}`;
      await writeFile(
        join(dir.path, 'credentials.json'),
        JSON.stringify({ server, token: 'stale', email: 'admin@example.org' }),
      );
      const result = await runCli(['whoami'], { configDir: dir.path });
      expect(result.code).toBe(5);
      expect(result.stderr).toContain(`cannot reach the Conclave server at ${server}`);
      expect(result.stderr).toContain('connection refused');
      expectNoStack(result.stderr);
    } finally {
      await dir.remove();
    }
  });
});
