// Local times as the web app and the CLI write them: one formatter for both.
import { describe, expect, it } from 'vitest';
import { wallClock } from '../src/wall-clock.ts';

describe('wallClock', () => {
  it('writes a moment on the wall clock of a zone, from epoch ms or an ISO string', () => {
    const now = Date.parse('2027-03-01T08:10:00Z');
    expect(wallClock(now, 'America/New_York')).toBe('2027-03-01T03:10');
    expect(wallClock('2027-03-01T08:10:00Z', 'Asia/Tokyo')).toBe('2027-03-01T17:10');
  });

  it('follows daylight saving time and writes midnight as 00, not 24', () => {
    // Berlin moves to summer time on 2027-03-28 at 01:00 UTC.
    expect(wallClock('2027-03-28T00:30:00Z', 'Europe/Berlin')).toBe('2027-03-28T01:30');
    expect(wallClock('2027-03-28T01:30:00Z', 'Europe/Berlin')).toBe('2027-03-28T03:30');
    expect(wallClock('2027-03-27T23:00:00Z', 'Europe/Berlin')).toBe('2027-03-28T00:00');
  });
});
