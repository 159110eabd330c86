// Meeting times as the person at the terminal reads them: in their zone (the system's, or
// --zone), with the meeting's own zone named when it differs. Standard Intl only.
import { wallClock as localTime } from '@conclave/vocabulary';
import type { Meeting } from '../api/types.ts';

/** The zone this machine's clock is set to (TZ, or the system's). */
export function viewerZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** `2027-03-22 09:30` in `zone`. */
export function wallClock(iso: string, zone: string): string {
  return localTime(iso, zone).replace('T', ' ');
}

/** "every week, 4 times" / "every day until 2027-03-31" / "" for a single meeting. */
export function recurrenceWords(recurrence: Meeting['recurrence']): string {
  if (recurrence === null) return '';
  const every = recurrence.frequency === 'weekly' ? 'every week' : 'every day';
  return recurrence.count !== undefined
    ? `${every}, ${recurrence.count} times`
    : `${every} until ${recurrence.until ?? '?'}`;
}

/** The occurrence the list shows (next or last), in the viewer's zone, with its length. */
export function whenWords(meeting: Meeting, zone: string): string {
  return `${wallClock(meeting.occurrence.start, zone)} (${meeting.durationMinutes} min)`;
}

/** The schedule of a meeting in its own zone, and in the viewer's when that differs. */
export function scheduleWords(meeting: Meeting, zone: string): string {
  const own = `${meeting.localStart.replace('T', ' ')} ${meeting.timeZone}, ${meeting.durationMinutes} min`;
  const mine = zone === meeting.timeZone ? '' : ` (${wallClock(meeting.start, zone)} ${zone})`;
  const repeats = recurrenceWords(meeting.recurrence);
  return `${own}${mine}${repeats === '' ? '' : `, ${repeats}`}`;
}
