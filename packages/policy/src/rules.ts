// §4: the meeting's E2EE state, by the first rule that applies. The same rule book serves
// scheduling, every later change of options, and the re-check when a meeting starts.
import { eligibilityFailures } from './eligibility.ts';
import {
  featureConflicts,
  featureNotes,
  lockedOffFeatures,
  requestedFeatures,
} from './features.ts';
import { makeReason } from './reasons.ts';
import type { E2eeDemand, Phase, PostQuantumDemand, ReasonDetail } from './reasons.ts';
import type {
  E2eeState,
  MeetingDecision,
  MeetingRequest,
  MeetingTemplate,
  OrgFacts,
  Reason,
  SensitivityLabel,
} from './types.ts';

export interface EvaluationContext {
  phase: Phase;
  /**
   * The meeting's E2EE state when it is on already and the organizer has not asked to turn it
   * off: it may then be refused, but never silently dropped.
   */
  keep?: E2eeState;
}

export function decideSchedule(facts: OrgFacts, request: MeetingRequest): MeetingDecision {
  return evaluateMeeting(facts, request, { phase: 'schedule' });
}

export function labelName(label: SensitivityLabel): string {
  return label.name ?? label.id;
}

export function templateName(template: MeetingTemplate): string {
  return template.name ?? template.id;
}

const error = (detail: ReasonDetail): Reason => makeReason(detail, 'error');
const info = (detail: ReasonDetail): Reason => makeReason(detail, 'info');

export function evaluateMeeting(
  facts: OrgFacts,
  request: MeetingRequest,
  context: EvaluationContext,
): MeetingDecision {
  return withPostQuantum(facts, request, evaluateE2ee(facts, request, context));
}

/**
 * An E2EE meeting runs on the post-quantum suite when the tenant's setting or its label requires
 * it (the label is named first: it is the more specific). The state says what requires it, and
 * an info reason explains it; a meeting without E2EE is untouched.
 */
function withPostQuantum(
  facts: OrgFacts,
  request: MeetingRequest,
  decision: MeetingDecision,
): MeetingDecision {
  if (decision.outcome !== 'scheduled' || !decision.endToEndEncryption.enabled) return decision;
  const demand = postQuantumDemand(facts, request.label);
  if (demand === undefined) return decision;
  return {
    ...decision,
    endToEndEncryption: { ...decision.endToEndEncryption, postQuantum: { source: demand.kind } },
    reasons: [
      ...decision.reasons,
      info({ code: 'POST_QUANTUM_REQUIRED', requiredBy: demand, situation: 'required' }),
    ],
  };
}

/** What requires a meeting with this label to run on the post-quantum suite, if anything. */
export function postQuantumDemand(
  facts: OrgFacts,
  labelId: string | undefined,
): PostQuantumDemand | undefined {
  const label = labelId === undefined ? undefined : facts.labels.find((l) => l.id === labelId);
  if (label?.meeting.postQuantumEncryption === 'require')
    return { kind: 'label', label: labelName(label) };
  if (facts.tenant.e2ee.postQuantum === true) return { kind: 'tenant' };
  return undefined;
}

function evaluateE2ee(
  facts: OrgFacts,
  request: MeetingRequest,
  context: EvaluationContext,
): MeetingDecision {
  const { phase, keep } = context;
  const label =
    request.label === undefined ? undefined : facts.labels.find((l) => l.id === request.label);
  const template =
    request.template === undefined
      ? undefined
      : facts.templates.find((t) => t.id === request.template);

  // A label or template that cannot be found might be the one demanding E2EE: refuse rather
  // than schedule the meeting as if it had none.
  const unknown: Reason[] = [];
  if (request.label !== undefined && !label) {
    unknown.push(
      error({ code: 'E2EE_LOCKED_BY_LABEL', label: request.label, situation: 'unknown' }),
    );
  }
  if (request.template !== undefined && !template) {
    unknown.push(
      error({ code: 'E2EE_LOCKED_BY_TEMPLATE', template: request.template, situation: 'unknown' }),
    );
  }
  if (unknown.length > 0) return { outcome: 'rejected', reasons: unknown };

  const explicit = request.options.endToEndEncryption;
  const templateE2ee = template?.options.endToEndEncryption;
  const blocking = (demand: E2eeDemand, waivePolicy: boolean): Reason[] =>
    eligibilityFailures(facts, request, waivePolicy, { kind: 'blocks', demand, phase }).map(error);

  // Rule 1: the label applies E2EE; it waives the policy check and only that one.
  if (label?.meeting.endToEndEncryption === 'apply') {
    const name = labelName(label);
    const demand: E2eeDemand = { kind: 'label', label: name };
    const errors: Reason[] = [];
    if (explicit === false) {
      errors.push(error({ code: 'E2EE_LOCKED_BY_LABEL', label: name, situation: 'refused-off' }));
    }
    errors.push(...blocking(demand, true));
    return encrypted(request, { enabled: true, locked: true, source: 'label' }, demand, errors, [
      info({ code: 'E2EE_LOCKED_BY_LABEL', label: name, situation: 'locked-on' }),
    ]);
  }

  // Rule 2: the template locks E2EE on; all of §3 must hold.
  if (template && templateE2ee?.locked === true && templateE2ee.value) {
    const name = templateName(template);
    const demand: E2eeDemand = { kind: 'template', template: name, locked: true };
    const errors: Reason[] = [];
    if (explicit === false) {
      errors.push(
        error({ code: 'E2EE_LOCKED_BY_TEMPLATE', template: name, situation: 'refused-off' }),
      );
    }
    const failures = blocking(demand, false);
    if (failures.length > 0) {
      errors.push(error({ code: 'TEMPLATE_REQUIRES_E2EE', template: name, phase }), ...failures);
    }
    return encrypted(request, { enabled: true, locked: true, source: 'template' }, demand, errors, [
      info({ code: 'E2EE_LOCKED_BY_TEMPLATE', template: name, situation: 'locked-on' }),
    ]);
  }

  // Rule 3: the template locks E2EE off.
  if (template && templateE2ee?.locked === true && !templateE2ee.value) {
    const name = templateName(template);
    if (explicit === true) {
      return rejected(
        error({ code: 'E2EE_LOCKED_BY_TEMPLATE', template: name, situation: 'refused-on' }),
      );
    }
    if (keep) {
      return rejected(
        error({ code: 'E2EE_LOCKED_BY_TEMPLATE', template: name, situation: 'now-off', phase }),
      );
    }
    return unencrypted(request, { enabled: false, locked: true, source: 'template' }, [
      info({ code: 'E2EE_LOCKED_BY_TEMPLATE', template: name, situation: 'locked-off' }),
    ]);
  }

  // Rule 4: the organizer asks for E2EE; never schedule it unencrypted instead.
  if (explicit === true) {
    const demand: E2eeDemand = { kind: 'organizer' };
    const state: E2eeState = { enabled: true, locked: false, source: 'organizer' };
    return encrypted(request, state, demand, blocking(demand, false), []);
  }

  // Rule 5: the template turns E2EE on by default and the organizer left it alone.
  if (template && templateE2ee?.value === true && explicit === undefined) {
    const name = templateName(template);
    const demand: E2eeDemand = { kind: 'template', template: name, locked: false };
    if (keep) {
      const state: E2eeState = { enabled: true, locked: false, source: 'template' };
      return encrypted(request, state, demand, blocking(demand, false), []);
    }
    const failures = eligibilityFailures(facts, request, false, {
      kind: 'turns-off',
      template: name,
    });
    if (failures.length === 0) {
      const state: E2eeState = { enabled: true, locked: false, source: 'template' };
      return encrypted(request, state, demand, [], []);
    }
    return unencrypted(
      request,
      { enabled: false, locked: false, source: 'template' },
      failures.map(info),
    );
  }

  // An E2EE meeting whose label or template no longer demands it stays E2EE unless the
  // organizer turns it off: losing it by a side effect would be a silent downgrade.
  if (keep && explicit !== false) {
    const demand: E2eeDemand = { kind: 'existing' };
    const state: E2eeState = { enabled: true, locked: false, source: keep.source };
    return encrypted(request, state, demand, blocking(demand, false), []);
  }

  // Rule 6. An explicit "off" is the organizer's choice, and the source says so.
  const source = explicit === false ? 'organizer' : 'default';
  return unencrypted(request, { enabled: false, locked: false, source }, []);
}

function rejected(...reasons: Reason[]): MeetingDecision {
  return { outcome: 'rejected', reasons };
}

/** E2EE on: refused if anything already failed or an incompatible option is asked for. */
function encrypted(
  request: MeetingRequest,
  state: E2eeState,
  demand: E2eeDemand,
  errors: Reason[],
  notes: Reason[],
): MeetingDecision {
  const refusals = [...errors, ...featureConflicts(request.options, demand)];
  if (refusals.length > 0) return { outcome: 'rejected', reasons: refusals };
  return {
    outcome: 'scheduled',
    endToEndEncryption: state,
    features: lockedOffFeatures(),
    reasons: [...notes, ...featureNotes(demand)],
  };
}

function unencrypted(request: MeetingRequest, state: E2eeState, notes: Reason[]): MeetingDecision {
  return {
    outcome: 'scheduled',
    endToEndEncryption: state,
    features: requestedFeatures(request.options),
    reasons: notes,
  };
}
