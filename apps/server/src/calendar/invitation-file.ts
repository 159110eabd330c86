// A meeting's iCalendar invitation (RFC 5545), for a calendar to import. The only importer of
// ical-generator and its zone definitions: times are written on the meeting's wall clock with
// its TZID and VTIMEZONE, so a recurring meeting keeps its local time across summer time in
// the reader's calendar too.
import { getVtimezoneComponent } from '@touch4it/ical-timezones';
import ical, { ICalCalendarMethod, ICalEventRepeatingFreq } from 'ical-generator';
import { DateTime } from 'luxon';
import type { MeetingTime } from './occurrences.ts';
import { occurrence } from './occurrences.ts';

export interface Person {
  displayName: string;
  email: string;
}

export interface Invitation {
  meetingId: string;
  subject: string;
  time: MeetingTime;
  organizer: Person;
  attendees: Person[];
  /** The web app's page of the meeting, where one joins it. */
  joinUrl: string;
  /** When the file is made (DTSTAMP). */
  now: number;
}

/** The `.ics` text: one VEVENT, with its recurrence rule when the meeting recurs. */
export function invitationFile(invitation: Invitation): string {
  const { time } = invitation;
  const calendar = ical({
    prodId: { company: 'Conclave', product: 'Conclave meetings', language: 'EN' },
    method: ICalCalendarMethod.PUBLISH,
    // No calendar-wide zone (its name empty): DTSTAMP and UNTIL stay UTC instants, as RFC 5545
    // wants; the generator still writes the VTIMEZONE of the event's TZID.
    timezone: { name: '', generator: getVtimezoneComponent },
  });
  const first = occurrence(time, 0);
  const zoned = (ms: number) => DateTime.fromMillis(ms, { zone: time.timeZone });
  const recurrence = time.recurrence;
  calendar.createEvent({
    id: `${invitation.meetingId}@conclave`,
    summary: invitation.subject,
    start: zoned(first.start),
    end: zoned(first.end),
    timezone: time.timeZone,
    stamp: new Date(invitation.now),
    organizer: { name: invitation.organizer.displayName, email: invitation.organizer.email },
    attendees: invitation.attendees.map((person) => ({
      name: person.displayName,
      email: person.email,
    })),
    url: invitation.joinUrl,
    location: invitation.joinUrl,
    description: `Join the meeting: ${invitation.joinUrl}`,
    ...(recurrence === null
      ? {}
      : {
          repeating: {
            freq:
              recurrence.frequency === 'weekly'
                ? ICalEventRepeatingFreq.WEEKLY
                : ICalEventRepeatingFreq.DAILY,
            ...(recurrence.count === undefined ? {} : { count: recurrence.count }),
            // UNTIL is an instant: the end of the last day on the meeting's wall clock.
            ...(recurrence.until === undefined
              ? {}
              : {
                  until: DateTime.fromISO(recurrence.until, { zone: time.timeZone })
                    .endOf('day')
                    .toJSDate(),
                }),
          },
        }),
  });
  return calendar.toString();
}
