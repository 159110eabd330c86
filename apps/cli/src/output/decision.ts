// How governance decisions read in a terminal: the outcome first, then every reason's sentence,
// so a help desk can read the answer out as printed.
import type {
  CallResult,
  E2eeState,
  FeatureState,
  Meeting,
  MeetingDecision,
  Reason,
} from '../api/types.ts';
import { formatFields } from './print.ts';
import { scheduleWords, viewerZone } from './times.ts';

const sourceWords: Record<E2eeState['source'], string> = {
  label: 'required by the sensitivity label',
  template: 'set by the meeting template',
  organizer: 'requested by the organizer',
  default: 'default',
};

export function describeE2ee(state: E2eeState): string {
  const onOff = state.enabled ? 'on' : 'off';
  const lock = state.locked ? ', locked' : '';
  return `${onOff}${lock} (${sourceWords[state.source] ?? state.source})`;
}

export function formatReasons(reasons: readonly Reason[], indent = '  '): string[] {
  return reasons.map(
    (reason) => `${indent}- [${reason.severity}] ${reason.code}: ${reason.message}`,
  );
}

function formatFeatures(features: Partial<Record<string, FeatureState>>): string | undefined {
  const entries = Object.entries(features).filter(
    (entry): entry is [string, FeatureState] => entry[1] !== undefined,
  );
  if (entries.length === 0) return undefined;
  const locked = entries
    .filter(([, state]) => !state.enabled && state.locked)
    .map(([name]) => name);
  const on = entries.filter(([, state]) => state.enabled).map(([name]) => name);
  const other = entries
    .filter(([, state]) => !state.enabled && !state.locked)
    .map(([name]) => name);
  const parts: string[] = [];
  if (on.length > 0) parts.push(`on: ${on.join(', ')}`);
  if (locked.length > 0) parts.push(`off and locked: ${locked.join(', ')}`);
  if (other.length > 0) parts.push(`off: ${other.join(', ')}`);
  return parts.join('; ');
}

/** A meeting and the decision that came with it (schedule, get, set, start). */
export function formatMeeting(meeting: Meeting, decision: MeetingDecision | undefined): string[] {
  const lines = [`Meeting ${meeting.id}: "${meeting.subject}"`];
  lines.push(
    ...formatFields([
      ['State', meeting.state],
      ['When', scheduleWords(meeting, viewerZone())],
      ['Type', meeting.type],
      ['Organizer', meeting.organizer],
      ['Template', meeting.template ?? undefined],
      ['Label', meeting.label ?? undefined],
      ['End-to-end encryption', describeE2ee(meeting.endToEndEncryption)],
      ['Options', formatFeatures(meeting.features ?? {})],
    ]).map((line) => `  ${line}`),
  );
  const reasons = decision?.reasons ?? [];
  if (reasons.length > 0) lines.push('  Why:', ...formatReasons(reasons, '    '));
  return lines;
}

/** A preview: the decision alone, as the schedule request would get it. */
export function formatDecision(decision: MeetingDecision): string[] {
  const lines: string[] = [];
  if (decision.outcome === 'rejected') {
    lines.push('Outcome: rejected (nothing would be scheduled)');
  } else {
    lines.push(
      'Outcome: would be scheduled',
      ...formatFields([
        ['End-to-end encryption', describeE2ee(decision.endToEndEncryption)],
        ['Options', formatFeatures(decision.features)],
      ]).map((line) => `  ${line}`),
    );
  }
  if (decision.reasons.length > 0) lines.push('  Why:', ...formatReasons(decision.reasons, '    '));
  return lines;
}

export function formatCall(result: CallResult, calleeName: string): string[] {
  const encrypted = result.call.endToEndEncryption.enabled;
  const lines = [
    `Call ${result.call.id} to ${calleeName}: ${encrypted ? 'end-to-end encrypted' : 'standard encryption (not end-to-end)'}`,
  ];
  if (result.decision.reasons.length > 0) {
    lines.push('  Why:', ...formatReasons(result.decision.reasons, '    '));
  }
  return lines;
}
