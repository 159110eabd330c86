// Post-quantum E2EE from the command line: an admin turns the tenant setting on and off and makes
// a sensitivity label require it; the settings are read back from the server, and a value the
// option does not know is a usage error that changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJson, runCli, tempDir } from './helpers/cli.ts';
import type { CliResult } from './helpers/cli.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
let config: { path: string; remove: () => Promise<void> };

const admin = (...args: string[]): Promise<CliResult> => runCli(args, { configDir: config.path });

function ok(result: CliResult): CliResult {
  if (result.code !== 0)
    throw new Error(`exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  return result;
}

beforeAll(async () => {
  server = await startTestServer();
  config = await tempDir('post-quantum-admin');
  ok(
    await runCli(
      ['sign-in', '--server', server.url, '--email', server.firstAdmin.email, '--password-stdin'],
      { configDir: config.path, stdin: server.firstAdmin.password },
    ),
  );
});

afterAll(async () => {
  await server?.stop();
  await config?.remove();
});

type TenantAnswer = { tenant: { e2ee: { postQuantum?: boolean } } };
type LabelAnswer = { label: { id: string; meeting?: { postQuantumEncryption?: string } } };

describe('post-quantum settings from the command line', { timeout: 60_000 }, () => {
  it('turns the tenant setting on and off, and says so', async () => {
    const on = ok(await admin('tenant', 'set', '--post-quantum', 'on', '--json'));
    expect(parseJson<TenantAnswer>(on).tenant.e2ee.postQuantum).toBe(true);
    const shown = ok(await admin('tenant', 'set', '--post-quantum', 'on'));
    expect(shown.stdout).toMatch(/Post-quantum E2EE/);
    const off = ok(await admin('tenant', 'set', '--post-quantum', 'off', '--json'));
    // Off is the default: the server leaves it out.
    expect(parseJson<TenantAnswer>(off).tenant.e2ee.postQuantum ?? false).toBe(false);
  });

  it('makes a label require the post-quantum suite, and lifts it', async () => {
    const created = parseJson<LabelAnswer>(
      ok(
        await admin(
          'label',
          'new',
          'Quantum secret',
          '--e2ee',
          'apply',
          '--post-quantum',
          'require',
          '--json',
        ),
      ),
    );
    expect(created.label.meeting?.postQuantumEncryption).toBe('require');
    const lifted = parseJson<LabelAnswer>(
      ok(await admin('label', 'set', created.label.id, '--post-quantum', 'dontRequire', '--json')),
    );
    expect(lifted.label.meeting?.postQuantumEncryption).toBe('dontRequire');
  });

  it('refuses a value it does not know, changing nothing', async () => {
    const before = parseJson<TenantAnswer>(ok(await admin('tenant', 'get', '--json')));
    const wrong = await admin('tenant', 'set', '--post-quantum', 'maybe');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/on, off/);
    const after = parseJson<TenantAnswer>(ok(await admin('tenant', 'get', '--json')));
    expect(after.tenant.e2ee).toEqual(before.tenant.e2ee);
  });
});
