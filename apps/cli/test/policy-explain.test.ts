// `conclave policy explain` through the real binary: the §8 JSON on stdout, a readable summary,
// one stderr line per problem with its JSON path, exit codes, and never a stack trace.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { explainScenario } from '@conclave/policy';
import type { ExplainOutput } from '@conclave/policy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJson, runCli, tempDir } from './helpers/cli.ts';
import type { CliResult } from './helpers/cli.ts';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`./fixtures/scenarios/${name}`, import.meta.url));

let config: { path: string; remove: () => Promise<void> };
beforeAll(async () => {
  config = await tempDir('policy-explain');
});
afterAll(async () => {
  await config.remove();
});

function explain(args: string[], stdin?: string): Promise<CliResult> {
  return runCli(['policy', 'explain', ...args], {
    configDir: config.path,
    ...(stdin === undefined ? {} : { stdin }),
  });
}

function expectNoStackTrace(result: CliResult): void {
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stderr).not.toContain('Error:');
}

// Each case spawns the CLI (a second or two under tsx), so they run side by side.
describe.concurrent('conclave policy explain', () => {
  it('prints the §8 JSON for the spec example (with its users declared), exit 0', async () => {
    const result = await explain([fixture('spec-example-complete.json'), '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const output = parseJson<ExplainOutput>(result);

    expect(output.effectivePolicies).toEqual({
      alice: { policy: 'NoE2EE', source: 'group:finance' },
      bob: { policy: 'NoE2EE', source: 'direct' },
      carol: { policy: 'Global', source: 'global' },
    });
    // alice's group policy disables E2EE, and the template locks it on: rejected, with both codes.
    expect(output.meetings).toEqual([
      {
        id: 'm1',
        outcome: 'rejected',
        reasons: [
          expect.objectContaining({ code: 'TEMPLATE_REQUIRES_E2EE', severity: 'error' }),
          expect.objectContaining({ code: 'E2EE_POLICY_DISABLED', severity: 'error' }),
        ],
      },
    ]);
    expect(output.joins).toEqual([
      {
        meeting: 'm1',
        user: 'bob',
        outcome: 'blocked',
        reasons: [expect.objectContaining({ code: 'MEETING_NOT_FOUND' })],
      },
    ]);
    expect(output.calls).toEqual([
      {
        id: 'c1',
        endToEndEncryption: { enabled: false },
        reasons: [
          expect.objectContaining({ code: 'CALL_E2EE_DISABLED_BY_POLICY' }),
          expect.objectContaining({ code: 'CALL_E2EE_OFF_IN_USER_SETTINGS' }),
        ],
      },
    ]);
    // Exactly what the engine answers: the CLI adds and drops nothing.
    const text = await readFile(fixture('spec-example-complete.json'), 'utf8');
    expect(explainScenario(JSON.parse(text))).toEqual({ kind: 'ok', output });
  });

  it('rejects the spec example as printed: it names users and a group it does not declare', async () => {
    const result = await explain([fixture('spec-example.json'), '--json']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const { error } = JSON.parse(result.stderr) as {
      error: { code: string; exitCode: number; fields: { path: string; message: string }[] };
    };
    expect(error.code).toBe('invalid_scenario');
    expect(error.exitCode).toBe(2);
    expect(error.fields.map((f) => f.path)).toEqual([
      '$.assignments[0].user',
      '$.complianceRecording[0].user',
      '$.complianceRecording[1].group',
      '$.joins[0].user',
      '$.calls[0].callee',
    ]);
  });

  it('prints one line per problem, naming its JSON path, exit 2', async () => {
    const result = await explain([fixture('invalid-ranks.json')]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      '$.policies[0].callingEndToEndEncryption: must be one of "Disabled", "DisabledUserOverride", not "Off"',
      '$.assignments[1].rank: rank 1 is already used by $.assignments[0]; ranks are unique per policy type',
      "$.meetings[0].label: unknown sensitivity label 'secret'",
    ]);
    expectNoStackTrace(result);
  });

  it('answers a richer scenario: label lock, cap, client profile, calls', async () => {
    const result = await explain([fixture('board-meeting.json'), '--json']);
    expect(result.code).toBe(0);
    const output = parseJson<ExplainOutput>(result);
    const board = output.meetings.find((m) => m.id === 'board');
    expect(board?.endToEndEncryption).toEqual({ enabled: true, locked: true, source: 'label' });
    expect(Object.keys(board?.features ?? {})).toHaveLength(12);
    expect(output.meetings.find((m) => m.id === 'recorded')?.outcome).toBe('rejected');
    expect(output.joins.map((j) => `${j.user}:${j.outcome}:${j.reasons[0]?.code ?? ''}`)).toEqual([
      'cfo:blocked:CLIENT_NOT_SUPPORTED',
      'counsel:blocked:COMPLIANCE_RECORDING_BLOCKS_E2EE',
      'ceo:admitted:',
      'cfo:admitted:',
      'guest:blocked:CLIENT_NOT_SUPPORTED',
      'guest:blocked:MEETING_FULL',
      'guest:admitted:',
      'ceo:blocked:MEETING_NOT_FOUND',
    ]);
    expect(output.joins[0]?.reasons[0]?.message).toContain(
      'Join with Conclave for Windows 1.4.0 or later instead.',
    );
    expect(output.calls.map((c) => c.endToEndEncryption.enabled)).toEqual([true, false, false]);
  });

  it('prints a readable summary without --json', async () => {
    const result = await explain([fixture('board-meeting.json')]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const out = result.stdout;
    expect(out).toContain('Effective encryption policies');
    expect(out).toMatch(/ceo\s+Board \(through group board\)/);
    expect(out).toContain(
      'board: scheduled, end-to-end encryption on, locked by the sensitivity label',
    );
    expect(out).toContain("the sensitivity label 'Highly confidential'");
    expect(out).toContain(
      'Unavailable because the meeting is end-to-end encrypted: Breakout rooms',
    );
    expect(out).toContain('recorded: rejected');
    expect(out).toContain('Recording cannot be turned on');
    expect(out).toContain('guest joins board: blocked');
    expect(out).toContain('[error] MEETING_FULL');
    expect(out).toContain('ceo-cfo: end-to-end encrypted');
    expect(out).toContain('ceo-counsel: standard encryption');
    expect(() => JSON.parse(out) as unknown).toThrow();
  });

  it('reads the scenario from stdin with -', async () => {
    const text = await readFile(fixture('spec-example-complete.json'), 'utf8');
    const result = await explain(['-', '--json'], text);
    expect(result.code).toBe(0);
    expect(parseJson<ExplainOutput>(result).meetings[0]?.id).toBe('m1');
  });

  it('says clearly when the file is not JSON, exit 2', async () => {
    const result = await explain([fixture('not-json.json')]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^conclave: the scenario '.*not-json\.json' is not valid JSON: /);
    expectNoStackTrace(result);
  });

  it('says clearly when the file cannot be read, exit 2', async () => {
    const result = await explain(['no-such-scenario.json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "conclave: cannot read the scenario 'no-such-scenario.json': no such file\n",
    );
  });

  it('teaches with an example in --help', async () => {
    const result = await explain(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: conclave policy explain [options] <file>');
    expect(result.stdout).toContain('Example:');
    expect(result.stdout).toContain('$ conclave policy explain scenario.json');
    expect(result.stdout).toContain('TEMPLATE_REQUIRES_E2EE');
  });
});
