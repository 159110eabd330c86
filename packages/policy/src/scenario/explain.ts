// §8: answer "what would happen" for one scenario, offline, with the same rules the server uses.
import { decideCall } from '../call.ts';
import { chosenOptions } from '../features.ts';
import { decideJoin } from '../join.ts';
import { makeReason, type PostQuantumDemand } from '../reasons.ts';
import { resolveEffectivePolicy } from '../resolve.ts';
import { decideSchedule, postQuantumDemand } from '../rules.ts';
import type {
  ExplainedReason,
  ExplainOutput,
  ExplainResult,
  ExplainedMeeting,
  MeetingRequest,
  Reason,
  ScenarioProblem,
} from '../types.ts';
import { factsOf } from './facts.ts';
import type { z } from 'zod';
import { describeInput, problemsFromIssues } from './issues.ts';
import { jsonPath } from './json-path.ts';
import { referenceProblems } from './references.ts';
import { scenarioSchema } from './schema.ts';
import type { Scenario } from './schema.ts';

export function explainScenario(input: unknown): ExplainResult {
  const checked = validate(input);
  if (checked.kind === 'invalid') return checked;
  return { kind: 'ok', output: explainValid(checked.scenario) };
}

/**
 * Each section is checked on its own, so one wrong value does not hide the problems elsewhere;
 * references into a section that is itself broken are not checked (they would only add noise).
 */
function validate(
  input: unknown,
): { kind: 'valid'; scenario: Scenario } | { kind: 'invalid'; problems: ScenarioProblem[] } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return {
      kind: 'invalid',
      problems: [{ path: '$', message: `must be an object, not ${describeInput(input)}` }],
    };
  }
  const fields = input as Record<string, unknown>;
  const shape: Record<string, z.ZodType> = scenarioSchema.shape;
  const problems: ScenarioProblem[] = Object.keys(fields)
    .filter((key) => !Object.hasOwn(shape, key))
    .map((key) => ({ path: jsonPath([key]), message: 'is not a known section' }));
  const sections: Record<string, unknown> = {};
  const broken = new Set<string>();
  for (const [key, schema] of Object.entries(shape)) {
    if (fields[key] === undefined) continue;
    const parsed = schema.safeParse(fields[key], { reportInput: true });
    if (parsed.success) sections[key] = parsed.data;
    else {
      broken.add(key);
      problems.push(...problemsFromIssues(parsed.error.issues, [key]));
    }
  }
  // Every section is either absent or has parsed with its own schema, so this is a Scenario.
  const scenario = sections as Scenario;
  problems.push(...referenceProblems(scenario, broken));
  return problems.length > 0 ? { kind: 'invalid', problems } : { kind: 'valid', scenario };
}

/** Bad JSON is one problem at `$`; anything parseable goes on to explainScenario. */
export function parseScenarioJson(text: string): ExplainResult {
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { kind: 'invalid', problems: [{ path: '$', message: `is not valid JSON: ${detail}` }] };
  }
  return explainScenario(input);
}

function explainValid(scenario: Scenario): ExplainOutput {
  const facts = factsOf(scenario);

  const effectivePolicies: ExplainOutput['effectivePolicies'] = Object.fromEntries(
    facts.users.map((user) => {
      const { policy, source } = resolveEffectivePolicy(facts, user.id);
      return [user.id, { policy: policy.name, source }];
    }),
  );

  // Scheduled meetings, with the participants admitted so far: joins apply in order (§8).
  const live = new Map<
    string,
    { endToEndEncryption: boolean; postQuantum: PostQuantumDemand | undefined; admitted: number }
  >();
  const meetings = (scenario.meetings ?? []).map((m): ExplainedMeeting => {
    const request: MeetingRequest = {
      type: m.type,
      organizer: m.organizer,
      ...(m.template === undefined ? {} : { template: m.template }),
      ...(m.label === undefined ? {} : { label: m.label }),
      options: chosenOptions(m.options ?? {}),
    };
    const decision = decideSchedule(facts, request);
    if (decision.outcome === 'rejected') {
      return { id: m.id, outcome: decision.outcome, reasons: explained(decision.reasons) };
    }
    const pq = decision.endToEndEncryption.enabled
      ? postQuantumDemand(facts, request.label)
      : undefined;
    live.set(m.id, {
      endToEndEncryption: decision.endToEndEncryption.enabled,
      postQuantum: pq,
      admitted: 0,
    });
    return { id: m.id, ...decision, reasons: explained(decision.reasons) };
  });

  const joins = (scenario.joins ?? []).map((j) => {
    const meeting = live.get(j.meeting);
    if (!meeting) {
      const reason = makeReason({ code: 'MEETING_NOT_FOUND', situation: 'absent' }, 'error');
      return { meeting: j.meeting, user: j.user, outcome: 'blocked' as const, reasons: [reason] };
    }
    const client = {
      platform: j.client.platform,
      version: j.client.version ?? '',
      ...(j.client.e2eeMedia === undefined ? {} : { e2eeMedia: j.client.e2eeMedia }),
      ...(j.client.postQuantum === undefined ? {} : { postQuantum: j.client.postQuantum }),
    };
    const decision = decideJoin(facts, meeting, j.user, client, meeting.admitted);
    if (decision.outcome === 'admitted') meeting.admitted += 1;
    return { meeting: j.meeting, user: j.user, ...decision, reasons: explained(decision.reasons) };
  });

  const calls = (scenario.calls ?? []).map((c) => {
    const decision = decideCall(facts, c.caller, c.callee);
    return { id: c.id, ...decision, reasons: explained(decision.reasons) };
  });

  return { effectivePolicies, meetings, joins, calls };
}

/** §8's reason shape: the short `cause` is for interactive clients, not the what-if answer. */
function explained(reasons: readonly Reason[]): ExplainedReason[] {
  return reasons.map(({ cause: _cause, ...reason }) => reason);
}
