// The newcomer's path through the real CLI against a real server: the first admin signs in, sets
// up policies, groups, a label and a template, creates people with and without the licence; an
// organizer schedules a meeting the label forces to E2EE, is refused recording with the reason's
// sentence, and the admin reads it all back in the audit log.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJson, runCli, tempDir } from './helpers/cli.ts';
import type { CliResult } from './helpers/cli.ts';
import { startTestServer } from './helpers/server.ts';
import type { TestServer } from './helpers/server.ts';

interface Reason {
  code: string;
  severity: string;
  message: string;
  option?: string;
}
interface JsonError {
  error: { code: string; message: string; status?: number; reasons?: Reason[]; exitCode: number };
}

let server: TestServer;
let adminConfig: { path: string; remove: () => Promise<void> };
let organizerConfig: { path: string; remove: () => Promise<void> };

const admin = (...args: string[]): Promise<CliResult> =>
  runCli(args, { configDir: adminConfig.path });
const organizer = (...args: string[]): Promise<CliResult> =>
  runCli(args, { configDir: organizerConfig.path });

function ok(result: CliResult): CliResult {
  if (result.code !== 0) {
    throw new Error(`exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  }
  return result;
}

beforeAll(async () => {
  server = await startTestServer();
  adminConfig = await tempDir('admin');
  organizerConfig = await tempDir('organizer');
});

afterAll(async () => {
  await server?.stop();
  await adminConfig?.remove();
  await organizerConfig?.remove();
});

// A chain of CLI processes per test: more time than one request gets on a loaded machine.
describe('the acceptance path', { timeout: 180_000 }, () => {
  const state = {
    organizerPassword: '',
    meetingId: '',
  };

  it('signs in as the first admin; the session file is private', async () => {
    const result = ok(
      await runCli(
        ['sign-in', '--server', server.url, '--email', server.firstAdmin.email, '--password-stdin'],
        { configDir: adminConfig.path, stdin: `${server.firstAdmin.password}\n` },
      ),
    );
    expect(result.stdout).toContain(
      `Signed in to ${server.url} as ${server.firstAdmin.email} (admin)`,
    );
    const file = await stat(join(adminConfig.path, 'credentials.json'));
    expect(file.mode & 0o777).toBe(0o600);
  });

  it('creates users with and without the premium licence', async () => {
    // Independent steps run side by side: each spawn costs a Node start.
    const [organizerResult, plain] = await Promise.all([
      admin('user', 'new', 'olive@example.org', '--name', 'Olive Organizer', '--premium', '--json'),
      admin('user', 'new', 'pat@example.org', '--name', 'Pat Plain'),
    ]);
    const organizerUser = parseJson<{ user: { premium: boolean }; password?: string }>(
      ok(organizerResult),
    );
    expect(organizerUser.user.premium).toBe(true);
    expect(typeof organizerUser.password).toBe('string');
    state.organizerPassword = organizerUser.password ?? '';

    expect(ok(plain).stdout).toMatch(/Premium licence:\s+no/);
    expect(plain.stdout).toMatch(/One-time password \(shown once.*\): \S{10,}/);
  });

  it('creates a policy, a label that applies E2EE, a template and a group', async () => {
    const [policyResult, labelResult, templateResult, groupResult] = await Promise.all([
      admin(
        'policy',
        'new',
        'NoE2EE',
        '--meeting-e2ee',
        'Disabled',
        '--description',
        'No E2EE',
        '--json',
      ),
      admin('label', 'new', 'Highly confidential', '--e2ee', 'apply', '--json'),
      admin(
        'template',
        'new',
        'Sensitive',
        '--e2ee',
        'on',
        '--locked',
        '--lock',
        'recording',
        '--json',
      ),
      admin('group', 'new', 'Finance', '--id', 'finance', '--member', 'Pat Plain'),
    ]);
    expect(parseJson<{ policy: unknown }>(ok(policyResult)).policy).toMatchObject({
      name: 'NoE2EE',
      meetingEndToEndEncryption: 'Disabled',
    });
    expect(parseJson<{ label: { meeting: unknown } }>(ok(labelResult)).label.meeting).toEqual({
      endToEndEncryption: 'apply',
    });
    expect(
      parseJson<{ template: { options: unknown } }>(ok(templateResult)).template.options,
    ).toEqual({
      endToEndEncryption: { value: true, locked: true },
      recording: { value: false, locked: true },
    });
    expect(ok(groupResult).stdout).toMatch(/Members:\s+pat@example.org/);
  });

  it('grants the policy to a group with a rank and to a user, and explains the effective policy', async () => {
    const [toGroup, toUser] = await Promise.all([
      admin('policy', 'grant', 'NoE2EE', '--group', 'Finance', '--rank', '1'),
      admin('policy', 'grant', 'NoE2EE', '--user', 'olive@example.org'),
    ]);
    expect(ok(toGroup).stdout).toContain(
      'Assigned encryption policy NoE2EE to group Finance (rank 1)',
    );
    ok(toUser);

    const [direct, throughGroup, listed] = await Promise.all([
      admin('policy', 'effective', 'Olive Organizer', '--json'),
      admin('policy', 'effective', 'pat@example.org'),
      admin('policy', 'list'),
    ]);
    expect(parseJson(ok(direct))).toMatchObject({ policy: { name: 'NoE2EE' }, source: 'direct' });
    expect(ok(throughGroup).stdout).toContain(
      'pat@example.org has encryption policy NoE2EE: through group Finance',
    );
    const lines = ok(listed).stdout.split('\n');
    expect(lines[0]).toMatch(/^NAME\s+MEETINGS\s+CALLS\s+DESCRIPTION$/);
    expect(lines.find((line) => line.startsWith('NoE2EE'))).toMatch(
      /^NoE2EE\s+Not enabled\s+Not enabled\s+No E2EE$/,
    );
    expect(lines.find((line) => line.startsWith('Global'))).toMatch(
      /^Global\s+Not enabled, but users can enable\s+Not enabled/,
    );
  });

  it('refuses to delete the built-in Global policy, with the server reason', async () => {
    const result = await admin('policy', 'remove', 'Global');
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/^conclave: .+ \[CONFLICT, HTTP 409\]$/m);
  });

  it('an organizer signs in with the one-time password and must change it first', async () => {
    const signedIn = ok(
      await runCli(['sign-in', '--server', server.url, '--email', 'olive@example.org'], {
        configDir: organizerConfig.path,
        env: { CONCLAVE_PASSWORD: state.organizerPassword },
      }),
    );
    expect(signedIn.stdout).toContain('run `conclave password change` before anything else');
    const refused = await organizer('meeting', 'list');
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(
      /\[PASSWORD_CHANGE_REQUIRED, HTTP 403: run `conclave password change` first\]/,
    );
    const weak = await runCli(['password', 'change', '--new-password-stdin'], {
      configDir: organizerConfig.path,
      env: { CONCLAVE_PASSWORD: state.organizerPassword },
      stdin: 'password',
    });
    expect(weak.code).toBe(4);
    expect(weak.stderr).toContain('WEAK_PASSWORD');
    const changed = ok(
      await runCli(['password', 'change', '--new-password-stdin'], {
        configDir: organizerConfig.path,
        env: { CONCLAVE_PASSWORD: state.organizerPassword },
        stdin: 'olive-chose-her-own-password',
      }),
    );
    expect(changed.stdout).toContain('Password changed for olive@example.org');
    expect(changed.stdout + changed.stderr).not.toContain('olive-chose-her-own-password');
    ok(await organizer('meeting', 'list'));
  });

  it('an organizer gets a clear 403 on admin commands', async () => {
    const result = await organizer('policy', 'list');
    expect(result.code).toBe(4);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/\[FORBIDDEN, HTTP 403: .*admin role\]/);
  });

  it('schedules a meeting the label forces to E2EE, although the policy does not enable it', async () => {
    const scheduled = parseJson<{
      meeting: { id: string; endToEndEncryption: unknown; features: Record<string, unknown> };
      decision: { outcome: string };
    }>(
      ok(
        await organizer(
          'meeting',
          'schedule',
          'Board review',
          '--label',
          'Highly confidential',
          '--json',
        ),
      ),
    );
    expect(scheduled.decision.outcome).toBe('scheduled');
    expect(scheduled.meeting.endToEndEncryption).toEqual({
      enabled: true,
      locked: true,
      source: 'label',
    });
    expect(scheduled.meeting.features.recording).toMatchObject({
      enabled: false,
      locked: true,
      reason: 'FEATURE_UNAVAILABLE_IN_E2EE',
    });
    state.meetingId = scheduled.meeting.id;

    const shown = ok(await organizer('meeting', 'get', state.meetingId)).stdout;
    expect(shown).toMatch(
      /End-to-end encryption:\s+on, locked \(required by the sensitivity label\)/,
    );
  });

  it('refuses --enable recording with FEATURE_UNAVAILABLE_IN_E2EE and its sentence, exit 4', async () => {
    const result = await organizer(
      'meeting',
      'schedule',
      'Board review (recorded)',
      '--label',
      'Highly confidential',
      '--enable',
      'recording',
    );
    expect(result.code).toBe(4);
    expect(result.stdout).toBe('');
    const reasonLine = result.stderr
      .split('\n')
      .find((line) => line.includes('FEATURE_UNAVAILABLE_IN_E2EE'));
    expect(reasonLine).toMatch(
      /^\s+- FEATURE_UNAVAILABLE_IN_E2EE: .*[Rr]ecording.*end-to-end encrypted/,
    );
    expect(result.stderr).toContain('[MEETING_REJECTED, HTTP 409]');

    const change = await organizer(
      'meeting',
      'set',
      state.meetingId,
      '--enable',
      'recording',
      '--json',
    );
    expect(change.code).toBe(4);
    const body = JSON.parse(change.stderr) as JsonError;
    expect(body.error.status).toBe(409);
    expect(body.error.reasons?.map((reason) => reason.code)).toContain(
      'FEATURE_UNAVAILABLE_IN_E2EE',
    );
    expect(
      body.error.reasons?.find((reason) => reason.code === 'FEATURE_UNAVAILABLE_IN_E2EE')?.option,
    ).toBe('recording');
  });

  it('answers a what-if against the live organization, and keeps the scenario it ran', async () => {
    interface Answer {
      joins: { user: string; outcome: string; reasons: Reason[] }[];
      meetings: { id: string; outcome: string; reasons: Reason[] }[];
    }
    const scenarioFile = join(adminConfig.path, 'org.json');
    // The meeting the label forces to E2EE, joined from a virtual desktop the tenant blocks.
    const live = parseJson<{ output: Answer }>(
      ok(
        await admin(
          'policy',
          'what-if',
          'Pat Plain',
          '--meeting',
          state.meetingId,
          '--platform',
          'vdi',
          '--scenario-out',
          scenarioFile,
          '--json',
        ),
      ),
    );
    expect(live.output.meetings[0]).toMatchObject({ id: state.meetingId, outcome: 'scheduled' });
    expect(live.output.joins[0]?.outcome).toBe('blocked');
    expect(live.output.joins[0]?.reasons.map((r) => r.code)).toEqual(['CLIENT_NOT_SUPPORTED']);

    // In words, with names: Pat (no licence, policy NoE2EE) cannot hold a new E2EE meeting.
    const words = ok(await admin('policy', 'what-if', 'pat@example.org')).stdout;
    expect(words).toMatch(/Pat Plain\s+NoE2EE \(through group finance\)/);
    expect(words).toContain('new-meeting: rejected, nothing is scheduled');
    expect(words).toContain('E2EE_REQUIRES_PREMIUM');

    // The kept scenario runs offline, unchanged, to the same answer.
    const offline = parseJson<Answer>(ok(await admin('policy', 'explain', scenarioFile, '--json')));
    expect(offline.joins).toEqual(live.output.joins);
  });

  it('does not start the meeting unencrypted once the organizer lost the licence', async () => {
    expect(ok(await admin('licence', 'revoke', 'olive@example.org')).stdout).toContain(
      'olive@example.org no longer has the premium licence',
    );
    const start = await organizer('meeting', 'start', state.meetingId);
    expect(start.code).toBe(4);
    expect(start.stderr).toContain('E2EE_REQUIRES_PREMIUM');
  });

  it('shows a 1:1 call falling back to standard encryption, and why', async () => {
    const call = ok(await organizer('call', 'Pat Plain', '--no-wait'));
    expect(call.stdout).toContain('standard encryption (not end-to-end)');
    expect(call.stdout).toMatch(/- \[\w+\] CALL_E2EE_(DISABLED_BY_POLICY|OFF_IN_USER_SETTINGS): /);
  });

  it('reads every step back in the audit log', async () => {
    const [humanResult, jsonResult] = await Promise.all([
      admin('audit', '--limit', '100'),
      admin('audit', '--limit', '100', '--json'),
    ]);
    const human = ok(humanResult).stdout.split('\n');
    expect(human[0]).toMatch(/^AT\s+ACTOR\s+KIND\s+SUBJECT\s+DETAILS$/);
    const rejected = human.find((line) => /\smeeting\.rejected\s/.test(line));
    expect(rejected).toContain('Olive Organizer');
    expect(rejected).toContain('FEATURE_UNAVAILABLE_IN_E2EE');

    const { entries } = parseJson<{
      entries: { kind: string; actor: { displayName: string } | null }[];
    }>(ok(jsonResult));
    const kinds = entries.map((entry) => entry.kind);
    for (const expected of [
      'user.created',
      'group.created',
      'encryption-policy.created',
      'encryption-policy-assignment.created',
      'label.created',
      'template.created',
      'meeting.scheduled',
      'meeting.rejected',
      'meeting.options.rejected',
      'user.changed',
      'meeting.start.refused',
      'call.placed',
    ]) {
      expect(kinds).toContain(expected);
    }
    // Newest first: the refused start came after the scheduling.
    expect(kinds.indexOf('meeting.start.refused')).toBeLessThan(kinds.indexOf('meeting.scheduled'));

    // Names beside ids; a time range; the export as a file.
    expect(human.find((line) => /\suser\.created\s/.test(line))).toMatch(/\(user:[^)]+\)/);
    const future = ok(await admin('audit', '--from', '2999-01-01', '--json'));
    expect(parseJson<{ entries: unknown[] }>(future).entries).toEqual([]);
    const bad = await admin('audit', '--from', 'last week');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('give a date (2026-12-01)');
    const csv = ok(await admin('audit', '--kind', 'meeting', '--export', 'csv')).stdout;
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('id,at,actor_id,actor_name,kind,subject,subject_name,details');
    expect(lines.slice(1).every((line) => line.includes('"meeting.'))).toBe(true);
    expect(lines.length - 1).toBe(kinds.filter((k) => k.startsWith('meeting.')).length);
  });

  it('signs out on the server too, and forgets the session file', async () => {
    const { token } = JSON.parse(
      await readFile(join(organizerConfig.path, 'credentials.json'), 'utf8'),
    ) as { token: string };
    expect(ok(await organizer('sign-out')).stdout).toContain(`Signed out of ${server.url}`);
    const me = await fetch(`${server.url}/api/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(me.status).toBe(401);
    await expect(stat(join(organizerConfig.path, 'credentials.json'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});
