// The CLI's building blocks, in-process: where the session is stored and with which mode, how
// names resolve to ids, how server refusals read, and how tables line up.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiClient } from '../src/api/client.ts';
import { pickOne } from '../src/api/resolve.ts';
import { summarizeDetails } from '../src/commands/audit.ts';
import {
  configDir,
  credentialsPath,
  deleteCredentials,
  readCredentials,
  writeCredentials,
} from '../src/config/credentials.ts';
import { CliError } from '../src/errors.ts';
import { formatTable } from '../src/output/table.ts';
import { tempDir } from './helpers/cli.ts';

describe('credentials', () => {
  let dir: { path: string; remove: () => Promise<void> };
  beforeEach(async () => {
    dir = await tempDir('creds');
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('lives in CONCLAVE_CONFIG_DIR, else $XDG_CONFIG_HOME/conclave, else ~/.config/conclave', () => {
    expect(configDir({ CONCLAVE_CONFIG_DIR: '/a', XDG_CONFIG_HOME: '/b' })).toBe('/a');
    expect(configDir({ XDG_CONFIG_HOME: '/b' })).toBe('/b/conclave');
    expect(configDir({ HOME: '/home/x' })).toMatch(/\.config\/conclave$/);
  });

  it('is written readable by its owner only, and read back', async () => {
    const env = { CONCLAVE_CONFIG_DIR: join(dir.path, 'nested') };
    const credentials = { server: 'http://h:1', token: 't0k3n', email: 'a@example.org' };
    await writeCredentials(credentials, env);
    expect((await stat(credentialsPath(env))).mode & 0o777).toBe(0o600);
    expect(await readCredentials(env)).toEqual(credentials);
    expect(await deleteCredentials(env)).toBe(true);
    expect(await readCredentials(env)).toBeUndefined();
    expect(await deleteCredentials(env)).toBe(false);
  });

  it('a damaged file asks for a new sign-in (exit 3)', async () => {
    const env = { CONCLAVE_CONFIG_DIR: dir.path };
    await writeFile(credentialsPath(env), '{"server":1}');
    await expect(readCredentials(env)).rejects.toMatchObject({
      code: 'not_signed_in',
      exitCode: 3,
    });
    expect(await readFile(credentialsPath(env), 'utf8')).toBe('{"server":1}');
  });
});

describe('name resolution', () => {
  const users = [
    { id: 'u1', email: 'alice@example.org', name: 'Alice' },
    { id: 'u2', email: 'bob@example.org', name: 'Sam' },
    { id: 'u3', email: 'sam@example.org', name: 'Sam' },
  ];
  const describeUser = (user: (typeof users)[number]) => ({
    id: user.id,
    names: [user.email, user.name],
    shown: `${user.email} = ${user.id}`,
  });

  it('finds by id, by email or name in any case', () => {
    expect(pickOne(users, 'u2', 'user', describeUser).id).toBe('u2');
    expect(pickOne(users, 'ALICE@example.org', 'user', describeUser).id).toBe('u1');
    expect(pickOne(users, 'alice', 'user', describeUser).id).toBe('u1');
  });

  it('refuses to guess between two matches, listing them', () => {
    expect(() => pickOne(users, 'sam', 'user', describeUser)).toThrow(
      /'sam' matches 2 users \(bob@example.org = u2, sam@example.org = u3\); name it by id/,
    );
  });

  it('says when nothing matches (exit 2)', () => {
    const error = (() => {
      try {
        pickOne(users, 'carol', 'user', describeUser);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(CliError);
    expect(error).toMatchObject({ message: "no user matches 'carol'", exitCode: 2 });
  });
});

describe('API client error mapping', () => {
  const answer =
    (status: number, body: unknown): typeof fetch =>
    () =>
      Promise.resolve(
        new Response(typeof body === 'string' ? body : JSON.stringify(body), { status }),
      );

  it('a governance refusal keeps its code, reasons and field paths in one readable message', async () => {
    const api = new ApiClient({
      server: 'http://s',
      token: 't',
      fetch: answer(409, {
        error: {
          code: 'MEETING_REJECTED',
          // The reason's sentence repeated in the message is printed once, on its own line.
          message:
            'The meeting was not scheduled. Recording is unavailable because this meeting is end-to-end encrypted.',
          fields: [{ path: 'options.recording', message: 'not allowed' }],
          reasons: [
            {
              code: 'FEATURE_UNAVAILABLE_IN_E2EE',
              severity: 'error',
              message: 'Recording is unavailable because this meeting is end-to-end encrypted.',
            },
          ],
        },
      }),
    });
    const error = await api.post('/api/meetings', {}).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'server', exitCode: 4 });
    const message = (error as CliError).message;
    expect(message.split('\n')).toEqual([
      'The meeting was not scheduled. [MEETING_REJECTED, HTTP 409]',
      '  - options.recording: not allowed',
      '  - FEATURE_UNAVAILABLE_IN_E2EE: Recording is unavailable because this meeting is end-to-end encrypted.',
    ]);
    expect((error as CliError).server?.reasons?.[0]?.code).toBe('FEATURE_UNAVAILABLE_IN_E2EE');
  });

  it('a 401 on a stored session means sign in again (exit 3)', async () => {
    const api = new ApiClient({
      server: 'http://s',
      token: 'expired',
      fetch: answer(401, { error: { code: 'UNAUTHENTICATED', message: 'Sign in first.' } }),
    });
    await expect(api.get('/api/me')).rejects.toMatchObject({ code: 'not_signed_in', exitCode: 3 });
  });

  it('a non-Conclave answer is reported with its status, not parsed', async () => {
    const api = new ApiClient({
      server: 'http://s',
      fetch: answer(502, '<html>bad gateway</html>'),
    });
    await expect(api.get('/healthz')).rejects.toMatchObject({
      code: 'server',
      message: expect.stringContaining('HTTP 502') as unknown,
    });
  });
});

describe('output', () => {
  it('aligns table columns under upper-case headers', () => {
    const lines = formatTable(
      [
        { name: 'Global', setting: 'Not enabled, but users can enable' },
        { name: 'NoE2EE', setting: 'Not enabled' },
      ],
      [
        { header: 'name', value: (row) => row.name },
        { header: 'meetings', value: (row) => row.setting },
      ],
    );
    expect(lines).toEqual([
      'NAME    MEETINGS',
      'Global  Not enabled, but users can enable',
      'NoE2EE  Not enabled',
    ]);
    expect(formatTable([], [{ header: 'x', value: () => '' }])).toEqual(['(none)']);
  });

  it('summarizes audit details with reason codes first', () => {
    expect(
      summarizeDetails({
        outcome: 'rejected',
        reasons: [{ code: 'FEATURE_UNAVAILABLE_IN_E2EE', severity: 'error', message: '…' }],
      }),
    ).toBe('reasons: FEATURE_UNAVAILABLE_IN_E2EE; outcome=rejected');
  });
});
