// What the scheduling form's E2EE switch shows. Governance decides on the server; this only reads
// the previews it answered (see previews.ts) and turns them into one of four faces of the switch.
import type { MeetingDecision, Reason } from '@conclave/protocol';
import type { E2eeState, ReasonCode } from '@conclave/vocabulary';
import { lockSentence, type MeetingNames } from './e2eeWords.ts';

/** The §3 checks: can this organizer hold an E2EE meeting at all? */
export const eligibilityCodes: readonly ReasonCode[] = [
  'E2EE_UNSUPPORTED_MEETING_TYPE',
  'E2EE_REQUIRES_PREMIUM',
  'COMPLIANCE_RECORDING_BLOCKS_E2EE',
  'E2EE_POLICY_DISABLED',
];

export function eligibilityReasons(reasons: readonly Reason[]): Reason[] {
  return reasons.filter((reason) => eligibilityCodes.includes(reason.code));
}

export type E2eeToggleView =
  /** Still asking the server. */
  | { kind: 'checking' }
  /** The organizer may switch it either way; `state` is what it would be as shown. */
  | { kind: 'available'; checked: boolean; state: E2eeState; note: string | null }
  /** A label or template fixes it; the sentence names which. */
  | { kind: 'locked'; checked: boolean; state: E2eeState; sentence: string }
  /**
   * The organizer cannot have E2EE; `checked` stays true while they still ask for it, so the
   * switch can be turned off rather than silently dropped.
   */
  | { kind: 'unavailable'; checked: boolean; reasons: Reason[] }
  /** A label or template demands E2EE, but this organizer cannot hold it: nothing can be scheduled. */
  | { kind: 'requiredButUnavailable'; state: E2eeState; sentence: string; reasons: Reason[] };

/** The previews behind the switch; see `gatherPreviews`. */
export interface Previews {
  /** The request exactly as the organizer has filled it in. */
  actual: MeetingDecision;
  /** Without an explicit E2EE choice or options: what the label and template impose. */
  base?: MeetingDecision;
  /** Asking for E2EE with no options: could this organizer switch it on? */
  probeOn?: MeetingDecision;
}

/** Whether a scheduled decision leaves the question "could E2EE be on?" open. */
export function needsProbe(decision: MeetingDecision): boolean {
  if (decision.outcome !== 'scheduled') return false;
  const state = decision.endToEndEncryption;
  return !state.enabled && !state.locked && eligibilityReasons(decision.reasons).length === 0;
}

export function toggleView(
  previews: Previews,
  requested: boolean | undefined,
  names: MeetingNames,
): E2eeToggleView {
  const settled = previews.actual.outcome === 'scheduled' ? previews.actual : previews.base;
  if (!settled) return { kind: 'checking' };

  if (settled.outcome === 'rejected') {
    // Even with nothing asked for, the label or template demands E2EE this organizer can't have.
    const byTemplate = settled.reasons.some((reason) => reason.code === 'TEMPLATE_REQUIRES_E2EE');
    const state: E2eeState = {
      enabled: true,
      locked: true,
      source: byTemplate ? 'template' : 'label',
    };
    const sentence = lockSentence(state, names) ?? '';
    return { kind: 'requiredButUnavailable', state, sentence, reasons: settled.reasons };
  }

  const state = settled.endToEndEncryption;
  const locked = lockSentence(state, names);
  if (locked !== null) return { kind: 'locked', checked: state.enabled, state, sentence: locked };

  if (state.enabled) {
    const note =
      state.source === 'template'
        ? `On by default in the meeting template '${names.template ?? 'unknown'}'; you can turn it off.`
        : null;
    return { kind: 'available', checked: true, state, note };
  }

  // Off and unlocked. The decision itself may already say why it could not be on (§4 rule 5).
  const known = eligibilityReasons(settled.reasons);
  if (known.length > 0) return { kind: 'unavailable', checked: requested === true, reasons: known };

  const probe = previews.probeOn;
  if (!probe) return { kind: 'checking' };
  if (probe.outcome === 'scheduled' && probe.endToEndEncryption.enabled) {
    const chosen: E2eeState = { enabled: requested === true, locked: false, source: 'organizer' };
    return { kind: 'available', checked: requested === true, state: chosen, note: null };
  }
  const reasons = eligibilityReasons(probe.reasons);
  const shown = reasons.length > 0 ? reasons : probe.reasons;
  return {
    kind: 'unavailable',
    checked: requested === true,
    reasons: requested === true ? shown : shown.map(withoutRequestClause),
  };
}

/**
 * The probe asked for E2EE on the organizer's behalf, so the engine's sentences go on to say it
 * was requested and refused; the organizer asked for nothing, so only the reason's cause is shown.
 */
export function withoutRequestClause(reason: Reason): Reason {
  return reason.cause === undefined ? reason : { ...reason, message: reason.cause };
}

/** The E2EE state the meeting would have as the switch shows it, when that is "on". */
export function onState(view: E2eeToggleView): E2eeState | null {
  switch (view.kind) {
    case 'available':
    case 'locked':
      return view.checked ? view.state : null;
    case 'requiredButUnavailable':
      return view.state;
    case 'unavailable':
    case 'checking':
      return null;
  }
}
