// Reading a pasted what-if scenario and putting the engine's answer (§8) into words.
import type { ExplainedCall, ExplainedJoin, ExplainedMeeting } from '@conclave/protocol';
import type { FieldProblem } from '../api/http.ts';
import { ApiError } from '../api/http.ts';
import { matchRoute } from '../app/routes.ts';
import { findSyntaxError } from './jsonSyntax.ts';

export type ParsedScenario =
  { kind: 'ok'; scenario: unknown } | { kind: 'invalid'; problems: FieldProblem[] };

/** Line and column (1-based) of a character offset, for JSON syntax errors. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lines = before.split('\n');
  return { line: lines.length, column: (lines[lines.length - 1]?.length ?? 0) + 1 };
}

export function parseScenario(text: string): ParsedScenario {
  if (text.trim() === '') {
    return {
      kind: 'invalid',
      problems: [{ path: '$', message: 'The scenario is empty: paste or write one.' }],
    };
  }
  let scenario: unknown;
  try {
    scenario = JSON.parse(text);
  } catch {
    const problem = findSyntaxError(text);
    const where = problem ? lineAndColumn(text, problem.offset) : null;
    const message =
      problem && where
        ? `Not valid JSON at line ${where.line}, column ${where.column}: ${problem.message}.`
        : 'Not valid JSON.';
    return { kind: 'invalid', problems: [{ path: '$', message }] };
  }
  if (typeof scenario !== 'object' || scenario === null || Array.isArray(scenario)) {
    return { kind: 'invalid', problems: [{ path: '$', message: 'A scenario is a JSON object.' }] };
  }
  return { kind: 'ok', scenario };
}

/** One line per problem, each naming its JSON path. */
export function problemLines(problems: readonly FieldProblem[]): string[] {
  return problems.map((problem) => `${problem.path}: ${problem.message}`);
}

/** The problems of a refused scenario (400 with `fields`), or null when the error is another kind. */
export function scenarioProblems(error: unknown): FieldProblem[] | null {
  if (!(error instanceof ApiError) || error.status !== 400) return null;
  if (error.fields.length > 0) return [...error.fields];
  return [{ path: '$', message: error.message }];
}

export function describeMeetingOutcome(meeting: ExplainedMeeting): string {
  if (meeting.outcome === 'rejected') return 'Rejected: nothing would be scheduled';
  const state = meeting.endToEndEncryption;
  if (!state) return 'Scheduled';
  if (!state.enabled) {
    return state.locked
      ? `Scheduled without end-to-end encryption (locked off by the ${state.source})`
      : 'Scheduled without end-to-end encryption';
  }
  return `Scheduled, end-to-end encrypted${state.locked ? ' and locked' : ''} (source: ${state.source})`;
}

export function describeJoinOutcome(join: ExplainedJoin): string {
  return join.outcome === 'admitted' ? 'Admitted' : 'Blocked';
}

export function describeCallOutcome(call: ExplainedCall): string {
  return call.endToEndEncryption.enabled
    ? 'End-to-end encrypted'
    : 'Standard encryption (not end-to-end encrypted)';
}

/** "through the group 'Finance'"; `groupName` turns a group id into its name where known. */
export function describePolicySource(
  source: string,
  groupName: (id: string) => string = (id) => id,
): string {
  if (source === 'direct') return 'assigned directly';
  if (source === 'global') return 'the org-wide default';
  if (source.startsWith('group:'))
    return `through the group '${groupName(source.slice('group:'.length))}'`;
  return source;
}

/**
 * The meeting an admin means by what they pasted: a join link, the meeting page's address, or a
 * bare id. Empty means none (a new meeting).
 */
export function meetingIdOf(input: string): string | undefined {
  const text = input.trim();
  if (text === '') return undefined;
  let path = text;
  try {
    path = new URL(text).pathname;
  } catch {
    // Not an absolute address: a path or a bare id.
  }
  if (path.includes('/')) {
    const route = matchRoute(path);
    if (route.kind === 'meeting' || route.kind === 'room') return route.id;
  }
  return text;
}

/** How a scenario's users are shown: their display name where it gives one, else their id. */
export function userNamesOf(scenario: unknown): ReadonlyMap<string, string> {
  const names = new Map<string, string>();
  const users = (scenario as { users?: unknown } | null)?.users;
  if (!Array.isArray(users)) return names;
  for (const user of users as unknown[]) {
    const { id, displayName } = (user ?? {}) as { id?: unknown; displayName?: unknown };
    if (typeof id === 'string' && typeof displayName === 'string' && displayName.trim() !== '') {
      names.set(id, displayName);
    }
  }
  return names;
}
