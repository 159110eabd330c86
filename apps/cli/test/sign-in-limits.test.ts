// `conclave sign-in` keeps the server's known-device token (not the session: it survives
// sign-out), so this machine still signs in while someone guesses the account's password
// elsewhere; `conclave user unlock` lifts the limit for a person on a new machine.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { bootstrapAdmin } from '@conclave/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from './helpers/cli.ts';
import type { CliResult } from './helpers/cli.ts';
import { startTestServer, testPasswordCost } from './helpers/server.ts';
import type { TestServer } from './helpers/server.ts';

let server: TestServer;
let adminConfig: { path: string; remove: () => Promise<void> };
let laptop: { path: string; remove: () => Promise<void> };
let newMachine: { path: string; remove: () => Promise<void> };

const person = { email: 'pat@example.org', password: 'pat-correct-horse-battery' };

function ok(result: CliResult): CliResult {
  if (result.code !== 0) {
    throw new Error(`exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  }
  return result;
}

const signInFrom = (config: string, email = person.email, password = person.password) =>
  runCli(['sign-in', '--server', server.url, '--email', email, '--password-stdin'], {
    configDir: config,
    stdin: password,
  });

async function attack(): Promise<void> {
  for (let i = 0; i < 12; i += 1) {
    const response = await fetch(`${server.url}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: person.email, password: `a-guess-number-${i}` }),
    });
    expect([401, 429]).toContain(response.status);
  }
}

beforeAll(async () => {
  server = await startTestServer();
  adminConfig = await tempDir('unlock-admin');
  laptop = await tempDir('laptop');
  newMachine = await tempDir('new-machine');
  ok(await signInFrom(adminConfig.path, server.firstAdmin.email, server.firstAdmin.password));
  ok(
    await runCli(['user', 'new', person.email, '--password-stdin', '--no-one-time'], {
      configDir: adminConfig.path,
      stdin: person.password,
    }),
  );
});

afterAll(async () => {
  await server?.stop();
  await adminConfig?.remove();
  await laptop?.remove();
  await newMachine?.remove();
});

describe('sign-in while the account is under attack', () => {
  it('stores the known-device token privately, never prints it, and keeps it on sign-out', async () => {
    const result = ok(await signInFrom(laptop.path));
    const file = join(laptop.path, 'known-devices.json');
    const stored = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
    const token = stored[`${server.url} ${person.email}`];
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(result.stdout + result.stderr).not.toContain(token);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    ok(await runCli(['sign-out'], { configDir: laptop.path }));
    expect((await stat(file)).isFile()).toBe(true);
  });

  it('signs in from the known machine; a new machine waits (RATE_LIMITED, exit 4)', async () => {
    await attack();
    const fresh = await signInFrom(newMachine.path);
    expect(fresh.code, fresh.stderr).toBe(4);
    expect(fresh.stderr).toContain('RATE_LIMITED');
    ok(await signInFrom(laptop.path));
  });

  it('lets the new machine in once an admin runs `conclave user unlock`', async () => {
    const unlock = ok(
      await runCli(['user', 'unlock', person.email], { configDir: adminConfig.path }),
    );
    expect(unlock.stdout).toContain('pat@example.org can sign in again at once.');
    ok(await signInFrom(newMachine.path));
  });
});

describe('an email in two organizations', () => {
  it('asks which organization when the password opens both, and signs in to the one named', async () => {
    const other = await bootstrapAdmin({
      dataDir: server.dataDir,
      email: 'admin@other.example',
      tenant: 'Other organization',
      passwordCost: testPasswordCost,
    });
    const otherConfig = await tempDir('other-admin');
    const twin = await tempDir('twin');
    try {
      ok(await signInFrom(otherConfig.path, other.email, other.password));
      ok(
        await runCli(['user', 'new', person.email, '--password-stdin', '--no-one-time'], {
          configDir: otherConfig.path,
          stdin: person.password,
        }),
      );
      const ambiguous = await signInFrom(twin.path);
      expect(ambiguous.code, ambiguous.stderr).toBe(4);
      expect(ambiguous.stderr).toContain('ORGANIZATION_REQUIRED');
      expect(ambiguous.stderr).toContain('Other organization');
      const named = ok(
        await runCli(
          [
            'sign-in',
            '--server',
            server.url,
            '--email',
            person.email,
            '--organization',
            'other organization',
            '--password-stdin',
          ],
          { configDir: twin.path, stdin: person.password },
        ),
      );
      expect(named.stdout).toContain(`as ${person.email} (user)`);
      const whoami = ok(await runCli(['whoami', '--json'], { configDir: twin.path }));
      const me = JSON.parse(whoami.stdout) as { user: { tenantId: string } };
      const admin = ok(await runCli(['whoami', '--json'], { configDir: otherConfig.path }));
      expect(me.user.tenantId).toBe((JSON.parse(admin.stdout) as typeof me).user.tenantId);
    } finally {
      await otherConfig.remove();
      await twin.remove();
    }
  });
});
