// Meeting times as the viewer reads them: in the browser's zone, with the meeting's own zone
// named when it differs; the list split into upcoming (soonest first) and past (most recent
// first), as the server orders it. Standard Intl only: the zone rules are the browser's.
import type { Meeting } from '../api/types.ts';

/** The zone the browser's clock is set to. */
export function viewerZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** "Mon 22 Mar 2027, 09:30" in `zone`. */
export function formatInstant(iso: string, zone: string, locale = 'en-GB'): string {
  return new Intl.DateTimeFormat(locale, {
    timeZone: zone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
}

/** "09:30" in `zone`. */
function clockTime(iso: string, zone: string, locale = 'en-GB'): string {
  return new Intl.DateTimeFormat(locale, {
    timeZone: zone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
}

/** "every week, 4 times", "every day until 2027-03-31", or null for a single meeting. */
export function recurrenceWords(recurrence: Meeting['recurrence']): string | null {
  if (recurrence === null) return null;
  const every = recurrence.frequency === 'weekly' ? 'Every week' : 'Every day';
  if (recurrence.count !== undefined) return `${every}, ${recurrence.count} times`;
  return `${every} until ${recurrence.until ?? ''}`;
}

/** The occurrence the list shows (the next one, or the last), in the viewer's zone. */
export function occurrenceWords(
  meeting: Pick<Meeting, 'occurrence'>,
  zone: string,
  locale = 'en-GB',
): string {
  return `${formatInstant(meeting.occurrence.start, zone, locale)}–${clockTime(meeting.occurrence.end, zone, locale)}`;
}

/** The meeting's first start in its own zone, and in the viewer's when the two differ. */
export function scheduleWords(
  meeting: Pick<Meeting, 'start' | 'timeZone' | 'durationMinutes'>,
  zone: string,
  locale = 'en-GB',
): string {
  const own = `${formatInstant(meeting.start, meeting.timeZone, locale)} (${meeting.timeZone})`;
  const mine =
    zone === meeting.timeZone ? '' : `, ${formatInstant(meeting.start, zone, locale)} your time`;
  return `${own}${mine}, ${meeting.durationMinutes} minutes`;
}

/** Upcoming soonest first, then past most recent first (the server's order, kept if already so). */
export function splitByWhen<M extends Pick<Meeting, 'when' | 'occurrence' | 'id'>>(
  meetings: readonly M[],
): { upcoming: M[]; past: M[] } {
  const start = (m: M) => Date.parse(m.occurrence.start);
  const upcoming = meetings
    .filter((m) => m.when === 'upcoming')
    .sort((a, b) => start(a) - start(b) || a.id.localeCompare(b.id));
  const past = meetings
    .filter((m) => m.when === 'past')
    .sort((a, b) => start(b) - start(a) || a.id.localeCompare(b.id));
  return { upcoming, past };
}
