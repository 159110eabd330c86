// `conclave policy explain FILE`: the offline what-if (governance spec §8). Reads one scenario,
// asks the governance engine, prints the answer; no server, no sign-in.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { explainScenario } from '@conclave/policy';
import type {
  ExplainOutput,
  ExplainedMeeting,
  ExplainedReason,
  ScenarioProblem,
} from '@conclave/policy';
import { incompatibleOptions, optionNames } from '@conclave/vocabulary';
import type { E2eeState, FeatureState } from '@conclave/vocabulary';
import { CliError } from '../errors.ts';

const exampleScenario = `{
    "users": [ { "id": "alice", "premium": true, "groups": ["finance"] } ],
    "groups": [ { "id": "finance" } ],
    "policies": [ { "name": "NoE2EE", "meetingEndToEndEncryption": "Disabled" } ],
    "assignments": [ { "policy": "NoE2EE", "group": "finance", "rank": 1 } ],
    "templates": [ { "id": "sensitive",
                     "options": { "endToEndEncryption": { "value": true, "locked": true } } } ],
    "meetings": [ { "id": "m1", "type": "meeting", "organizer": "alice", "template": "sensitive" } ]
  }`;

export function registerPolicyExplainCommand(policy: Command): void {
  policy
    .command('explain')
    .description(
      'What would happen: effective policies, meetings, joins and calls for one JSON scenario, offline',
    )
    .argument('<file>', 'the scenario (JSON); - reads it from stdin')
    .option('--json', 'print the answer as JSON on stdout (the shape of docs/governance.md)')
    .addHelpText(
      'after',
      `
Sections of a scenario (all optional): tenant, users, groups, policies, assignments,
complianceRecording, templates, labels, meetings, joins, calls. The built-in policy Global always
exists. A scenario that is not valid exits 2 with one line per problem, naming its JSON path.

Example:
  $ conclave policy explain scenario.json
  $ conclave policy explain scenario.json --json

  where scenario.json is
  ${exampleScenario}

  answers that m1 is rejected (TEMPLATE_REQUIRES_E2EE, E2EE_POLICY_DISABLED): the template
  requires end-to-end encryption, but alice's policy (NoE2EE, through group finance) does not
  allow it. See docs/governance.md for every reason code.`,
    )
    .action(async (file: string, flags: { json?: boolean }) => {
      const input = parseJson(await readScenario(file), file);
      const result = explainScenario(input);
      if (result.kind === 'invalid') {
        reportProblems(result.problems, flags.json === true);
        process.exitCode = 2;
        return;
      }
      if (flags.json === true) {
        process.stdout.write(`${JSON.stringify(result.output, null, 2)}\n`);
      } else {
        process.stdout.write(`${formatExplanation(result.output).join('\n')}\n`);
      }
    });
}

async function readScenario(file: string): Promise<string> {
  try {
    if (file === '-') {
      let text = '';
      for await (const chunk of process.stdin) text += String(chunk);
      return text;
    }
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a folder'
          : code === 'EACCES'
            ? 'permission denied'
            : error instanceof Error
              ? error.message
              : String(error);
    throw new CliError('invalid_input', `cannot read the scenario ${nameOf(file)}: ${why}`, {
      cause: error,
    });
  }
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new CliError(
      'invalid_input',
      `the scenario ${nameOf(file)} is not valid JSON: ${detail}`,
    );
  }
}

function nameOf(file: string): string {
  return file === '-' ? 'on stdin' : `'${file}'`;
}

/**
 * One line per problem. With --json the CLI's failures are one JSON object on stderr, so the
 * problems travel as its `fields`, each still naming its JSON path.
 */
function reportProblems(problems: readonly ScenarioProblem[], json: boolean): void {
  if (json) {
    const error = {
      code: 'invalid_scenario',
      message: `the scenario is not valid (${problems.length} problem${problems.length === 1 ? '' : 's'})`,
      exitCode: 2,
      kind: 'invalid_input',
      fields: problems,
    };
    process.stderr.write(`${JSON.stringify({ error })}\n`);
    return;
  }
  process.stderr.write(problems.map((p) => `${p.path}: ${p.message}\n`).join(''));
}

/** `names`: how to show a user id (a live organization's ids are not names); the id otherwise. */
export function formatExplanation(
  output: ExplainOutput,
  names: ReadonlyMap<string, string> = new Map(),
): string[] {
  const name = (id: string) => names.get(id) ?? id;
  const lines: string[] = [];
  const users = Object.entries(output.effectivePolicies);
  lines.push('Effective encryption policies');
  if (users.length === 0) lines.push('  (no users)');
  const width = Math.max(0, ...users.map(([id]) => name(id).length));
  for (const [id, { policy, source }] of users) {
    lines.push(`  ${name(id).padEnd(width)}  ${policy} (${describeSource(source)})`);
  }

  lines.push('', 'Meetings');
  if (output.meetings.length === 0) lines.push('  (none)');
  for (const meeting of output.meetings) lines.push(...formatMeeting(meeting));

  lines.push('', 'Joins');
  if (output.joins.length === 0) lines.push('  (none)');
  for (const join of output.joins) {
    lines.push(
      `  ${name(join.user)} joins ${join.meeting}: ${join.outcome}`,
      ...formatReasons(join.reasons),
    );
  }

  lines.push('', 'Calls');
  if (output.calls.length === 0) lines.push('  (none)');
  for (const call of output.calls) {
    const encryption = call.endToEndEncryption.enabled
      ? 'end-to-end encrypted'
      : 'standard encryption';
    lines.push(`  ${call.id}: ${encryption}`, ...formatReasons(call.reasons));
  }
  return lines;
}

function describeSource(source: string): string {
  if (source === 'direct') return 'assigned directly';
  if (source === 'global') return 'org-wide default';
  return `through group ${source.slice('group:'.length)}`;
}

const sourceWords: Record<E2eeState['source'], string> = {
  label: 'by the sensitivity label',
  template: 'by the template',
  organizer: 'by the organizer',
  default: 'by default',
};

function formatMeeting(meeting: ExplainedMeeting): string[] {
  const state = meeting.endToEndEncryption;
  if (meeting.outcome === 'rejected' || !state) {
    return [`  ${meeting.id}: rejected, nothing is scheduled`, ...formatReasons(meeting.reasons)];
  }
  const e2ee = `end-to-end encryption ${state.enabled ? 'on' : 'off'}${state.locked ? ', locked' : ''} ${sourceWords[state.source]}`;
  const lines = [`  ${meeting.id}: scheduled, ${e2ee}`];
  const features = meeting.features ?? {};
  const lockedOff = incompatibleOptions.filter((o) => isLockedOff(features[o]));
  if (lockedOff.length > 0) {
    lines.push(
      `    Unavailable because the meeting is end-to-end encrypted: ${lockedOff.map((o) => optionNames[o]).join(', ')}`,
    );
  }
  const chosen = incompatibleOptions.filter(
    (o) => features[o] !== undefined && !isLockedOff(features[o]),
  );
  if (chosen.length > 0) {
    const words = chosen.map(
      (o) => `${optionNames[o]} ${features[o]?.enabled === true ? 'on' : 'off'}`,
    );
    lines.push(`    Options: ${words.join(', ')}`);
  }
  // The per-option notes are summed up by the line above.
  const notes = meeting.reasons.filter(
    (r) => !(r.code === 'FEATURE_UNAVAILABLE_IN_E2EE' && r.severity === 'info'),
  );
  return [...lines, ...formatReasons(notes)];
}

function isLockedOff(state: FeatureState | undefined): boolean {
  return state !== undefined && !state.enabled && state.locked;
}

function formatReasons(reasons: readonly ExplainedReason[]): string[] {
  return reasons.map((r) => `    - [${r.severity}] ${r.code}: ${r.message}`);
}
