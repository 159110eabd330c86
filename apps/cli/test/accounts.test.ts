// `conclave user disable|enable`, `conclave user bulk` and the one-time password of `user new
// --password-stdin`, through the real CLI against a real server: a disabled person's stored session
// stops working at once and their sign-in says why; a bulk change reaches every user named.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJson, runCli, tempDir } from './helpers/cli.ts';
import type { CliResult } from './helpers/cli.ts';
import { startTestServer } from './helpers/server.ts';
import type { TestServer } from './helpers/server.ts';

let server: TestServer;
let adminConfig: { path: string; remove: () => Promise<void> };
let personConfig: { path: string; remove: () => Promise<void> };

function ok(result: CliResult): CliResult {
  if (result.code !== 0) {
    throw new Error(`exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  }
  return result;
}

const admin = (...args: string[]): Promise<CliResult> =>
  runCli(args, { configDir: adminConfig.path });
const signInAs = (email: string, password: string) =>
  runCli(['sign-in', '--server', server.url, '--email', email, '--password-stdin'], {
    configDir: personConfig.path,
    stdin: password,
  });

beforeAll(async () => {
  server = await startTestServer();
  adminConfig = await tempDir('accounts-admin');
  personConfig = await tempDir('accounts-person');
  ok(
    await runCli(
      ['sign-in', '--server', server.url, '--email', server.firstAdmin.email, '--password-stdin'],
      { configDir: adminConfig.path, stdin: server.firstAdmin.password },
    ),
  );
});

afterAll(async () => {
  await server?.stop();
  await adminConfig?.remove();
  await personConfig?.remove();
});

describe('accounts from the command line', { timeout: 120_000 }, () => {
  it('makes a typed password one-time unless --no-one-time, and shows it in the status', async () => {
    const oneTime = ok(
      await runCli(['user', 'new', 'ona@example.org', '--password-stdin', '--json'], {
        configDir: adminConfig.path,
        stdin: 'ona-first-password',
      }),
    );
    expect(
      parseJson<{ user: { mustChangePassword: boolean } }>(oneTime).user.mustChangePassword,
    ).toBe(true);
    const kept = ok(
      await runCli(['user', 'new', 'kim@example.org', '--password-stdin', '--no-one-time'], {
        configDir: adminConfig.path,
        stdin: 'kim-own-password-1',
      }),
    );
    expect(kept.stdout).toMatch(/Status:\s+active/);
    expect(ok(await admin('user', 'get', 'ona@example.org')).stdout).toMatch(
      /Status:\s+must change password/,
    );
    const misuse = await admin('user', 'new', 'x@example.org', '--no-one-time');
    expect(misuse.code).toBe(2);
    expect(misuse.stderr).toContain('--no-one-time goes with --password-stdin');
  });

  it('disables a user: their stored session stops working and sign-in says why; enable undoes it', async () => {
    ok(await signInAs('kim@example.org', 'kim-own-password-1'));
    ok(await runCli(['whoami'], { configDir: personConfig.path }));

    const disabled = ok(await admin('user', 'disable', 'kim@example.org'));
    expect(disabled.stdout).toContain('kim@example.org is disabled');
    const after = await runCli(['meeting', 'list'], { configDir: personConfig.path });
    expect(after.code).not.toBe(0);
    expect(after.stderr).toContain('no longer valid');
    const refused = await signInAs('kim@example.org', 'kim-own-password-1');
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(
      /This account is disabled.*\[ACCOUNT_DISABLED, HTTP 403: an admin can enable the account again\]/,
    );
    expect(ok(await admin('user', 'list')).stdout).toMatch(/kim@example.org.*disabled/);

    ok(await admin('user', 'enable', 'kim@example.org'));
    ok(await signInAs('kim@example.org', 'kim-own-password-1'));
    ok(await runCli(['meeting', 'list'], { configDir: personConfig.path }));
  });

  it('grants a policy and the licence to several users at once, all or nothing', async () => {
    ok(await admin('policy', 'new', 'Sensitive', '--meeting-e2ee', 'DisabledUserOverride'));
    const granted = ok(
      await admin('user', 'bulk', 'ona@example.org', 'kim@example.org', '--policy', 'Sensitive'),
    );
    expect(granted.stdout).toContain('2 user(s) now have the encryption policy Sensitive');
    const effective = ok(await admin('policy', 'effective', 'kim@example.org'));
    expect(effective.stdout).toContain('Sensitive');
    const licensed = ok(
      await admin('user', 'bulk', 'ona@example.org', 'kim@example.org', '--premium', '--json'),
    );
    const users = parseJson<{ users: { premium: boolean }[] }>(licensed).users;
    expect(users.map((u) => u.premium)).toEqual([true, true]);
    const nothing = await admin('user', 'bulk', 'ona@example.org');
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('say what to do');
  });
});
