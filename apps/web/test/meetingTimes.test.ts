// The web app's time models: the form's default time and the request's time fields, and meeting
// times shown in the viewer's zone with the list split into upcoming and past.
import { describe, expect, it } from 'vitest';
import {
  formatInstant,
  occurrenceWords,
  recurrenceWords,
  scheduleWords,
  splitByWhen,
} from '../src/model/meetingTimes.ts';
import { defaultWhen, timeRequest } from '../src/model/scheduleForm.ts';

describe('the schedule form’s time', () => {
  it('starts at the next full hour on the viewer’s clock, for an hour', () => {
    const now = Date.parse('2027-03-01T08:10:00Z');
    expect(defaultWhen(now, 'Europe/Berlin')).toMatchObject({
      start: '2027-03-01T10:00',
      timeZone: 'Europe/Berlin',
      durationMinutes: '60',
      repeat: '',
    });
  });

  it('sends the start, zone, duration and a recurrence with its end', () => {
    const when = { ...defaultWhen(0, 'UTC'), start: '2027-03-01T09:30', timeZone: 'Asia/Tokyo' };
    expect(timeRequest({ ...when, durationMinutes: '45', repeat: 'weekly', count: '6' })).toEqual({
      start: '2027-03-01T09:30',
      timeZone: 'Asia/Tokyo',
      durationMinutes: 45,
      recurrence: { frequency: 'weekly', count: 6 },
    });
    expect(
      timeRequest({ ...when, repeat: 'daily', ends: 'until', until: '2027-03-31' }).recurrence,
    ).toEqual({ frequency: 'daily', until: '2027-03-31' });
    // Not a number: sent as typed, so the server's sentence names the problem.
    expect(timeRequest({ ...when, durationMinutes: 'an hour' }).durationMinutes).toBe('an hour');
  });
});

describe('meeting times in the viewer’s zone', () => {
  const meeting = {
    id: 'm',
    start: '2027-03-22T08:30:00.000Z',
    timeZone: 'Europe/Berlin',
    durationMinutes: 45,
    when: 'upcoming' as const,
    occurrence: { start: '2027-03-29T07:30:00.000Z', end: '2027-03-29T08:15:00.000Z' },
  };

  it('shows instants in the zone asked for', () => {
    expect(formatInstant(meeting.start, 'Europe/Berlin')).toBe('Mon, 22 Mar 2027, 09:30');
    expect(formatInstant(meeting.start, 'Asia/Tokyo')).toBe('Mon, 22 Mar 2027, 17:30');
    expect(occurrenceWords(meeting, 'Europe/Berlin')).toBe('Mon, 29 Mar 2027, 09:30–10:15');
  });

  it('names the meeting’s own zone, and the viewer’s time when it differs', () => {
    expect(scheduleWords(meeting, 'Europe/Berlin')).toBe(
      'Mon, 22 Mar 2027, 09:30 (Europe/Berlin), 45 minutes',
    );
    expect(scheduleWords(meeting, 'America/New_York')).toBe(
      'Mon, 22 Mar 2027, 09:30 (Europe/Berlin), Mon, 22 Mar 2027, 04:30 your time, 45 minutes',
    );
  });

  it('says how a meeting repeats', () => {
    expect(recurrenceWords(null)).toBeNull();
    expect(recurrenceWords({ frequency: 'weekly', count: 4 })).toBe('Every week, 4 times');
    expect(recurrenceWords({ frequency: 'daily', until: '2027-03-31' })).toBe(
      'Every day until 2027-03-31',
    );
  });

  it('splits upcoming, soonest first, from past, most recent first', () => {
    const at = (id: string, when: 'upcoming' | 'past', start: string) => ({
      id,
      when,
      occurrence: { start, end: start },
    });
    const { upcoming, past } = splitByWhen([
      at('old', 'past', '2027-01-01T00:00:00Z'),
      at('later', 'upcoming', '2027-05-01T00:00:00Z'),
      at('recent', 'past', '2027-02-01T00:00:00Z'),
      at('soon', 'upcoming', '2027-04-01T00:00:00Z'),
    ]);
    expect(upcoming.map((m) => m.id)).toEqual(['soon', 'later']);
    expect(past.map((m) => m.id)).toEqual(['recent', 'old']);
  });
});
