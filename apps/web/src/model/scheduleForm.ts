// The scheduling form's state, the request it sends, and what each option checkbox shows.
import type { MeetingDecision, MeetingOptions } from '@conclave/protocol';
import { incompatibleOptions, wallClock } from '@conclave/vocabulary';
import type { IncompatibleOption, MeetingType } from '@conclave/vocabulary';
import type { MeetingRequest, Template } from '../api/types.ts';
import { featureUnavailableSentence, type MeetingNames } from './e2eeWords.ts';
import { onState, type E2eeToggleView } from './e2eeToggle.ts';

export interface ScheduleForm {
  subject: string;
  type: MeetingType;
  /** Template and label ids; '' for none. */
  template: string;
  label: string;
  /** The organizer's explicit E2EE choice; undefined follows the label, template or default. */
  e2ee: boolean | undefined;
  /** Explicit choices only; an option left alone follows the template. */
  options: Partial<Record<IncompatibleOption, boolean>>;
  /** User ids who may see the meeting. */
  invitees: string[];
  when: WhenForm;
}

/** When the meeting happens, as the form's inputs hold it (text, checked by the server). */
export interface WhenForm {
  /** `YYYY-MM-DDTHH:mm` on the zone's wall clock (a datetime-local input). */
  start: string;
  timeZone: string;
  durationMinutes: string;
  repeat: '' | 'daily' | 'weekly';
  /** How a recurrence ends: after `count` occurrences, or on the day `until`. */
  ends: 'count' | 'until';
  count: string;
  until: string;
}

/** A new form's time: the next full hour, in the viewer's zone, for an hour, not repeating. */
export function defaultWhen(now: number, zone: string): WhenForm {
  const hour = 60 * 60_000;
  return {
    start: wallClock(Math.ceil(now / hour) * hour, zone),
    timeZone: zone,
    durationMinutes: '60',
    repeat: '',
    ends: 'count',
    count: '4',
    until: '',
  };
}

/** A form with nothing chosen; the page puts in `defaultWhen` for the viewer's clock. */
export const emptyScheduleForm: ScheduleForm = {
  subject: '',
  type: 'meeting',
  template: '',
  label: '',
  e2ee: undefined,
  options: {},
  invitees: [],
  when: { ...defaultWhen(0, 'UTC'), start: '' },
};

/** A whole number typed in a field; anything else is sent as it is, for the server to name. */
const numberOf = (text: string): number | string =>
  /^\d+$/u.test(text.trim()) ? Number(text.trim()) : text;

/** The request's time fields. */
export function timeRequest(when: WhenForm): Partial<MeetingRequest> {
  const request: Partial<MeetingRequest> = {
    timeZone: when.timeZone,
    durationMinutes: numberOf(when.durationMinutes) as number,
  };
  if (when.start !== '') request.start = when.start;
  if (when.repeat !== '') {
    request.recurrence =
      when.ends === 'count'
        ? { frequency: when.repeat, count: numberOf(when.count) as number }
        : { frequency: when.repeat, until: when.until };
  }
  return request;
}

/**
 * A preview needs a subject to be valid, but the subject decides nothing: previews use a fixed
 * one, so typing it doesn't re-ask the server, and the real one is only required on submit.
 */
const previewSubject = 'Untitled meeting';

export function toRequest(form: ScheduleForm, purpose: 'preview' | 'schedule'): MeetingRequest {
  const subject = form.subject.trim();
  const options: MeetingOptions = {};
  if (form.e2ee !== undefined) options.endToEndEncryption = form.e2ee;
  for (const option of incompatibleOptions) {
    const value = form.options[option];
    if (value !== undefined) options[option] = value;
  }
  const request: MeetingRequest = {
    subject: purpose === 'preview' ? previewSubject : subject,
    type: form.type,
    options,
  };
  if (form.template !== '') request.template = form.template;
  if (form.label !== '') request.label = form.label;
  // Who is invited decides nothing about encryption: left out of previews.
  if (purpose === 'schedule' && form.invitees.length > 0) request.invitees = form.invitees;
  // Nor does when: previews stay the same while the time is typed.
  return purpose === 'schedule' ? { ...request, ...timeRequest(form.when) } : request;
}

/**
 * Choosing another label or template starts its choices afresh: an explicit choice made under
 * the old one would otherwise collide with the new one's locks.
 */
export function withCatalogChoice(
  form: ScheduleForm,
  change: { template: string } | { label: string },
): ScheduleForm {
  return { ...form, ...change, e2ee: undefined, options: 'template' in change ? {} : form.options };
}

export interface OptionView {
  option: IncompatibleOption;
  checked: boolean;
  disabled: boolean;
  /** Why it is disabled. */
  hint: string | null;
  /** Why the current choice cannot be scheduled. */
  problem: string | null;
}

export function optionViews(
  form: ScheduleForm,
  toggle: E2eeToggleView,
  actual: MeetingDecision | null,
  template: Template | null,
  names: MeetingNames,
): OptionView[] {
  const e2ee = onState(toggle);
  return incompatibleOptions.map((option) => {
    const chosen = form.options[option];
    const refusal =
      actual?.outcome === 'rejected'
        ? actual.reasons.find((reason) => reason.option === option)
        : undefined;
    const problem = refusal?.message ?? null;

    if (e2ee !== null) {
      const sentence = featureUnavailableSentence(option, e2ee, names);
      // Still asked for: keep it operable so it can be switched off, and say why it must be.
      if (chosen === true) {
        return {
          option,
          checked: true,
          disabled: false,
          hint: null,
          problem: problem ?? `${sentence}.`,
        };
      }
      return { option, checked: false, disabled: true, hint: `${sentence}.`, problem: null };
    }

    const fromTemplate = template?.options[option];
    if (fromTemplate?.locked) {
      return {
        option,
        checked: fromTemplate.value,
        disabled: true,
        hint: `Set by the meeting template '${names.template ?? template?.id ?? 'unknown'}'.`,
        problem,
      };
    }
    const feature = actual?.outcome === 'scheduled' ? actual.features[option] : undefined;
    const checked = chosen ?? feature?.enabled ?? fromTemplate?.value ?? false;
    return { option, checked, disabled: false, hint: null, problem };
  });
}
