// When a meeting happens: a start on the wall clock of an IANA time zone, a duration, and an
// optional daily or weekly recurrence that always has an end. The wall clock (not an instant) is
// what the organizer chose, and it is what recurs: a weekly 09:00 in Europe/Berlin stays 09:00
// across a change to or from summer time. The server turns it into instants.
import { z } from 'zod';
import { timestampSchema } from './common.ts';

/** Whether `name` is a time zone this runtime knows (the standard `Intl` API, no tables here). */
export function isKnownTimeZone(name: string): boolean {
  // IANA names only ("Europe/Berlin", "UTC"): offsets like "+01:00" are not zones and would not
  // follow summer time.
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/u.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export const timeZoneSchema = z
  .string({ error: 'The time zone must be an IANA name such as Europe/Berlin.' })
  .max(64, { error: 'The time zone must be an IANA name such as Europe/Berlin.', abort: true })
  .refine(isKnownTimeZone, {
    error: (issue) =>
      `The time zone ${JSON.stringify(issue.input)} is not known; use an IANA name such as Europe/Berlin or UTC.`,
  });

/** A calendar day that exists: 2026-02-30 is refused. */
function isRealDay(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** A day, `YYYY-MM-DD`, as on a calendar (no zone). */
export const localDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/u, {
    error: 'A day is written YYYY-MM-DD, for example 2027-03-31.',
    abort: true,
  })
  .refine((text) => {
    const [year, month, day] = text.split('-').map(Number);
    return isRealDay(year ?? 0, month ?? 0, day ?? 0);
  }, 'That day does not exist on the calendar.');

/** A wall-clock time in the meeting's zone, `YYYY-MM-DDTHH:mm` (seconds allowed, no offset). */
export const localDateTimeSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?$/u, {
    error:
      'The start is a local date and time, YYYY-MM-DDTHH:mm (for example 2027-03-01T09:30), read in the meeting’s time zone.',
    abort: true,
  })
  .refine((text) => {
    const [date = '', time = ''] = text.split('T');
    const [year, month, day] = date.split('-').map(Number);
    const [hour, minute, second = 0] = time.split(':').map(Number);
    return (
      isRealDay(year ?? 0, month ?? 0, day ?? 0) &&
      (hour ?? 99) < 24 &&
      (minute ?? 99) < 60 &&
      second < 60
    );
  }, 'The start is not a real date and time.');

export const minDurationMinutes = 5;
export const maxDurationMinutes = 24 * 60;
export const durationSchema = z
  .int('The duration is a whole number of minutes.')
  .min(minDurationMinutes, `A meeting lasts at least ${minDurationMinutes} minutes.`)
  .max(maxDurationMinutes, `A meeting lasts at most ${maxDurationMinutes} minutes (one day).`);

export const maxOccurrences = 366;
export const recurrenceFrequencySchema = z.enum(['daily', 'weekly'], {
  error: 'A meeting recurs daily or weekly.',
});
export type RecurrenceFrequency = z.infer<typeof recurrenceFrequencySchema>;

/** How a meeting repeats: every day or week from its start, ending after `count` or on `until`. */
export const recurrenceSchema = z
  .strictObject({
    frequency: recurrenceFrequencySchema,
    count: z
      .int('The number of occurrences is a whole number.')
      .min(2, 'A recurring meeting happens at least twice.')
      .max(maxOccurrences, `A recurring meeting happens at most ${maxOccurrences} times.`)
      .exactOptional(),
    /** The last day (in the meeting's zone) on which an occurrence may start. */
    until: localDateSchema.exactOptional(),
  })
  .check((ctx) => {
    const { count, until } = ctx.value;
    if (count === undefined && until === undefined) {
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        message:
          'A recurring meeting needs an end: a number of occurrences (count) or a last day (until).',
      });
    } else if (count !== undefined && until !== undefined) {
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        message:
          'A recurring meeting ends either after a number of occurrences or on a day, not both.',
      });
    }
  });
export type Recurrence = z.infer<typeof recurrenceSchema>;

/**
 * The scheduling fields of a meeting request. All optional: a client that sends none gets a
 * meeting starting now, for 60 minutes, in UTC, not recurring (docs/api.md).
 */
export const meetingTimeRequestShape = {
  start: localDateTimeSchema.exactOptional(),
  timeZone: timeZoneSchema.exactOptional(),
  durationMinutes: durationSchema.exactOptional(),
  recurrence: recurrenceSchema.exactOptional(),
};

export const defaultDurationMinutes = 60;
export const defaultTimeZone = 'UTC';

/** One occurrence of a meeting, as instants. */
export const occurrenceSchema = z.object({ start: timestampSchema, end: timestampSchema });

/** When a meeting happens, as the server answers it. */
export const meetingTimeShape = {
  /** The first occurrence's start, an instant. */
  start: timestampSchema,
  /** The same start on the meeting's wall clock, `YYYY-MM-DDTHH:mm`. */
  localStart: z.string(),
  timeZone: z.string(),
  durationMinutes: z.int(),
  recurrence: recurrenceSchema.nullable(),
  /** `upcoming`: an occurrence has not yet ended and the meeting has not ended; else `past`. */
  when: z.enum(['upcoming', 'past']),
  /** Upcoming: the occurrence still to come (or under way); past: the last one. */
  occurrence: occurrenceSchema,
};

export const meetingWhenQuerySchema = z.strictObject({
  when: z.enum(['upcoming', 'past'], { error: 'when is upcoming or past.' }).exactOptional(),
});
