// When a meeting's occurrences are: pure functions of its time and a `now` passed in. The only
// importer of luxon, which holds the zone rules (through the runtime's Intl data): occurrences are
// counted on the meeting's wall clock, so a weekly 09:00 in Europe/Berlin stays 09:00 on either
// side of a change to or from summer time, while its instant moves by an hour.
import type { Recurrence } from '@conclave/protocol';
import { DateTime } from 'luxon';

export interface MeetingTime {
  /** The first occurrence's start, ms since the epoch. */
  startAt: number;
  /** IANA name. */
  timeZone: string;
  durationMinutes: number;
  recurrence: Recurrence | null;
}

export interface Occurrence {
  start: number;
  end: number;
}

/** Where a meeting stands at `now` for the lists: upcoming with its next (or current) occurrence, or past with its last one. */
export interface Standing {
  when: 'upcoming' | 'past';
  occurrence: Occurrence;
}

/** The instant of wall-clock time `local` (`YYYY-MM-DDTHH:mm[:ss]`) in `zone`. */
export function instantOf(local: string, zone: string): number {
  // A time skipped by a change to summer time (02:30 on that night) moves forward, as clocks do.
  return DateTime.fromISO(local, { zone }).toMillis();
}

/** `startAt` on the wall clock of `zone`, `YYYY-MM-DDTHH:mm`. */
export function localTimeOf(startAt: number, zone: string): string {
  return DateTime.fromMillis(startAt, { zone }).toFormat("yyyy-MM-dd'T'HH:mm");
}

/** The current wall-clock time in `zone`, to the minute: a meeting scheduled without a start starts now. */
export function localNow(now: number, zone: string): string {
  return localTimeOf(now, zone);
}

const step = (recurrence: Recurrence | null) =>
  recurrence?.frequency === 'weekly' ? { weeks: 1 } : { days: 1 };

function startOfOccurrence(time: MeetingTime, index: number): DateTime {
  const first = DateTime.fromMillis(time.startAt, { zone: time.timeZone });
  if (index === 0) return first;
  const unit = step(time.recurrence);
  return 'weeks' in unit ? first.plus({ weeks: index }) : first.plus({ days: index });
}

export function occurrence(time: MeetingTime, index: number): Occurrence {
  const start = startOfOccurrence(time, index);
  return { start: start.toMillis(), end: start.plus({ minutes: time.durationMinutes }).toMillis() };
}

/**
 * The index of the last occurrence: 0 without a recurrence, `count - 1`, or the last one that
 * starts on or before the `until` day (in the meeting's zone). Negative when `until` is before
 * the first day, which scheduling refuses.
 */
export function lastIndex(time: MeetingTime): number {
  const recurrence = time.recurrence;
  if (recurrence === null) return 0;
  if (recurrence.count !== undefined) return recurrence.count - 1;
  if (recurrence.until === undefined) return 0;
  const firstDay = DateTime.fromMillis(time.startAt, { zone: time.timeZone }).startOf('day');
  const lastDay = DateTime.fromISO(recurrence.until, { zone: time.timeZone }).startOf('day');
  // Calendar days between the two, whatever the day lengths around a change of summer time.
  const days = Math.round(lastDay.diff(firstDay, 'days').days);
  return Math.floor(days / (recurrence.frequency === 'weekly' ? 7 : 1));
}

/** The first occurrence that has not ended by `now`, if any. */
export function nextOccurrence(time: MeetingTime, now: number): Occurrence | undefined {
  const last = lastIndex(time);
  const period = time.recurrence?.frequency === 'weekly' ? 7 * 86_400_000 : 86_400_000;
  // Jump near `now` (a day's length varies by an hour at most), then walk.
  let index = Math.max(0, Math.floor((now - time.startAt) / period) - 1);
  while (index <= last) {
    const candidate = occurrence(time, index);
    if (candidate.end > now) return candidate;
    index += 1;
  }
  return undefined;
}

/** The last occurrence that started at or before `at`, or the first one. */
function lastStartedBy(time: MeetingTime, at: number): Occurrence {
  const last = Math.max(0, lastIndex(time));
  let found = occurrence(time, 0);
  const period = time.recurrence?.frequency === 'weekly' ? 7 * 86_400_000 : 86_400_000;
  let index = Math.min(last, Math.max(0, Math.floor((at - time.startAt) / period) - 1));
  while (index <= last) {
    const candidate = occurrence(time, index);
    if (candidate.start > at) break;
    found = candidate;
    index += 1;
  }
  return found;
}

/**
 * Upcoming or past at `now`. An ended meeting is past (ending a recurring meeting ends the
 * series); a started one is upcoming (it is under way) even past its planned end; a scheduled one
 * is upcoming while an occurrence has not ended.
 */
export function standingOf(
  time: MeetingTime,
  state: 'scheduled' | 'started' | 'ended',
  endedAt: number | null,
  now: number,
): Standing {
  if (state === 'ended') {
    return { when: 'past', occurrence: lastStartedBy(time, Math.min(now, endedAt ?? now)) };
  }
  const next = nextOccurrence(time, now);
  if (next !== undefined) return { when: 'upcoming', occurrence: next };
  const last = occurrence(time, Math.max(0, lastIndex(time)));
  return { when: state === 'started' ? 'upcoming' : 'past', occurrence: last };
}

/** Upcoming soonest first, then past most recent first; ties by id so the order is stable. */
export function byStanding<T extends { id: string; standing: Standing }>(a: T, b: T): number {
  if (a.standing.when !== b.standing.when) return a.standing.when === 'upcoming' ? -1 : 1;
  const difference =
    a.standing.when === 'upcoming'
      ? a.standing.occurrence.start - b.standing.occurrence.start
      : b.standing.occurrence.start - a.standing.occurrence.start;
  return difference !== 0 ? difference : a.id.localeCompare(b.id);
}
