// The pure calendar model: occurrences on the meeting's wall clock, the next one at a time, the
// last one of a recurrence ending on a day, upcoming or past, and the list's order.
import { describe, expect, it } from 'vitest';
import {
  byStanding,
  instantOf,
  lastIndex,
  localTimeOf,
  nextOccurrence,
  standingOf,
  type MeetingTime,
} from '../src/calendar/occurrences.ts';

const at = (iso: string) => Date.parse(iso);
const weeklyBerlin: MeetingTime = {
  startAt: instantOf('2027-03-22T09:30', 'Europe/Berlin'),
  timeZone: 'Europe/Berlin',
  durationMinutes: 45,
  recurrence: { frequency: 'weekly', count: 3 },
};

describe('occurrences', () => {
  it('reads a wall-clock start in its zone and back', () => {
    expect(new Date(weeklyBerlin.startAt).toISOString()).toBe('2027-03-22T08:30:00.000Z');
    expect(localTimeOf(weeklyBerlin.startAt, 'Europe/Berlin')).toBe('2027-03-22T09:30');
    expect(localTimeOf(weeklyBerlin.startAt, 'Asia/Tokyo')).toBe('2027-03-22T17:30');
  });

  it('keeps the wall-clock time across a change to summer time', () => {
    const next = nextOccurrence(weeklyBerlin, at('2027-03-23T00:00:00Z'));
    expect(next && new Date(next.start).toISOString()).toBe('2027-03-29T07:30:00.000Z');
    expect(next && next.end - next.start).toBe(45 * 60_000);
  });

  it('counts an occurrence under way as the next one, and none after the last', () => {
    const during = nextOccurrence(weeklyBerlin, at('2027-03-22T09:00:00Z'));
    expect(during?.start).toBe(weeklyBerlin.startAt);
    expect(nextOccurrence(weeklyBerlin, at('2027-04-06T00:00:00Z'))).toBeUndefined();
  });

  it('ends a recurrence on its until day, in the meeting’s zone', () => {
    const daily: MeetingTime = {
      startAt: instantOf('2027-03-01T23:30', 'America/Los_Angeles'),
      timeZone: 'America/Los_Angeles',
      durationMinutes: 30,
      recurrence: { frequency: 'daily', until: '2027-03-10' },
    };
    // 1 to 10 March: ten occurrences, across the US change to summer time (14 March is later).
    expect(lastIndex(daily)).toBe(9);
    expect(lastIndex({ ...daily, recurrence: { frequency: 'weekly', until: '2027-03-10' } })).toBe(
      1,
    );
    expect(lastIndex({ ...daily, recurrence: null })).toBe(0);
  });

  it('says upcoming or past: ended is past, started is upcoming even overrunning', () => {
    const single: MeetingTime = { ...weeklyBerlin, recurrence: null };
    const after = at('2027-03-22T12:00:00Z');
    expect(standingOf(single, 'scheduled', null, after).when).toBe('past');
    expect(standingOf(single, 'started', null, after).when).toBe('upcoming');
    expect(standingOf(weeklyBerlin, 'scheduled', null, after).when).toBe('upcoming');
    const ended = standingOf(weeklyBerlin, 'ended', after, after);
    expect(ended).toEqual({
      when: 'past',
      occurrence: { start: weeklyBerlin.startAt, end: weeklyBerlin.startAt + 45 * 60_000 },
    });
  });

  it('orders upcoming soonest first, then past most recent first', () => {
    const entry = (id: string, when: 'upcoming' | 'past', start: number) => ({
      id,
      standing: { when, occurrence: { start, end: start + 1 } },
    });
    const sorted = [
      entry('old', 'past', 1),
      entry('later', 'upcoming', 30),
      entry('recent', 'past', 5),
      entry('soon', 'upcoming', 20),
    ].sort(byStanding);
    expect(sorted.map((e) => e.id)).toEqual(['soon', 'later', 'recent', 'old']);
  });
});
