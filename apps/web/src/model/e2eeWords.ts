// Sentences about a meeting's end-to-end encryption that name what decided it. The engine's own
// reason sentences are shown too; these are the short forms a control or a status line needs.
import type { E2eeState, IncompatibleOption } from '@conclave/vocabulary';
import { optionName } from './names.ts';

/** Display names of the label and template a meeting uses (null when it has none). */
export interface MeetingNames {
  label: string | null;
  template: string | null;
}

function quoted(name: string | null): string {
  return `'${name ?? 'unknown'}'`;
}

/** "Required by the sensitivity label 'Highly confidential'" — null when nothing locks E2EE. */
export function lockSentence(state: E2eeState, names: MeetingNames): string | null {
  if (!state.locked) return null;
  if (state.enabled) {
    return state.source === 'label'
      ? `Required by the sensitivity label ${quoted(names.label)}`
      : `Required by the meeting template ${quoted(names.template)}`;
  }
  return `Turned off by the meeting template ${quoted(names.template)}`;
}

/** Why the meeting is (or is not) end-to-end encrypted, for a status line. */
export function e2eeSummary(state: E2eeState, names: MeetingNames): string {
  const locked = lockSentence(state, names);
  if (state.enabled) {
    if (locked) return `End-to-end encrypted. ${locked}.`;
    switch (state.source) {
      case 'organizer':
        return 'End-to-end encrypted, as the organizer chose.';
      case 'template':
        return `End-to-end encrypted by default in the meeting template ${quoted(names.template)}.`;
      default:
        return 'End-to-end encrypted.';
    }
  }
  if (locked) return `Not end-to-end encrypted (standard encryption). ${locked}.`;
  return state.source === 'organizer'
    ? 'Not end-to-end encrypted (standard encryption), as the organizer chose.'
    : 'Not end-to-end encrypted (standard encryption).';
}

/** ", as the label 'Highly confidential' requires" (empty when nothing in particular decided it). */
export function e2eeBecause(state: E2eeState, names: MeetingNames): string {
  switch (state.source) {
    case 'label':
      return `, as the label ${quoted(names.label)} requires`;
    case 'template':
      return state.locked
        ? `, as the meeting template ${quoted(names.template)} requires`
        : `, as the meeting template ${quoted(names.template)} sets by default`;
    case 'organizer':
      return ', as the organizer chose';
    case 'default':
      return '';
  }
}

/**
 * "Recording is unavailable: this meeting is end-to-end encrypted, as the label 'Highly
 * confidential' requires" — the answer to reaching for an option E2EE rules out.
 */
export function featureUnavailableSentence(
  option: IncompatibleOption,
  state: E2eeState,
  names: MeetingNames,
): string {
  return `${optionName(option)} is unavailable: this meeting is end-to-end encrypted${e2eeBecause(state, names)}`;
}

const sourceWords: Record<E2eeState['source'], string> = {
  label: 'the sensitivity label',
  template: 'the meeting template',
  organizer: 'the organizer',
  default: 'the default (nothing asked for end-to-end encryption)',
};

/** Who decided the meeting's E2EE state, for a "Decided by" line. */
export function e2eeSourceName(state: E2eeState, names: MeetingNames): string {
  if (state.source === 'label' && names.label) return `the sensitivity label '${names.label}'`;
  if (state.source === 'template' && names.template)
    return `the meeting template '${names.template}'`;
  return sourceWords[state.source];
}
