// Meetings people can run their week on: a start, a duration and a zone, a daily or weekly
// recurrence with an end; the list in order (upcoming soonest first, then past); the invitation
// list changed before the start by the organizer or an admin; the invitation as an .ics file.
import {
  admissionListSchema,
  meetingListSchema,
  meetingResponseSchema,
  userResponseSchema,
} from '@conclave/protocol';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapAdmin, startServer } from '../src/index.ts';
import type { RunningServer } from '../src/index.ts';
import { fastPasswords } from './support/databases.ts';
import type { TestDatabase } from './support/databases.ts';
import { fails, ok, signIn } from './support/http.ts';
import type { Session } from './support/http.ts';

const hour = 60 * 60_000;

export function defineMeetingTimesSuite(name: string, open: () => TestDatabase): void {
  describe(`meeting times, the ordered list, invitations and the .ics on ${name}`, () => {
    let database: TestDatabase;
    let server: RunningServer;
    // Monday 1 March 2027, 08:00 UTC (09:00 in Berlin).
    let clock = Date.parse('2027-03-01T08:00:00Z');
    let admin: Session;
    let alice: Session;
    let bob: Session;
    let carol: Session;
    let stranger: Session;

    async function person(name: string): Promise<Session> {
      const email = `${name}@times.example`;
      const password = `${name}-correct-horse-battery`;
      ok(
        await admin.call('POST', '/api/admin/users', {
          email,
          displayName: name[0]?.toUpperCase() + name.slice(1),
          password,
          mustChangePassword: false,
        }),
        userResponseSchema,
        201,
      );
      return signIn(server.url, email, password);
    }

    const schedule = async (who: Session, body: Record<string, unknown>) =>
      ok(await who.call('POST', '/api/meetings', body), meetingResponseSchema, 201).meeting;

    beforeAll(async () => {
      database = open();
      server = await startServer({
        port: 0,
        ...database.location,
        passwordCost: fastPasswords,
        log: () => undefined,
        now: () => clock,
        sessionTtlMs: 24 * 365 * hour,
      });
      admin = await signIn(
        server.url,
        server.firstAdmin?.email ?? '',
        server.firstAdmin?.password ?? '',
      );
      [alice, bob, carol] = [await person('alice'), await person('bob'), await person('carol')];
      const credentials = await bootstrapAdmin({
        ...database.location,
        email: 'admin@other-times.example',
        tenant: 'Other organization',
        passwordCost: fastPasswords,
      });
      stranger = await signIn(server.url, credentials.email, credentials.password);
    });
    afterAll(async () => {
      await server.close();
      await database.drop();
    });

    it('keeps the start on the zone’s wall clock, the duration and the recurrence', async () => {
      const meeting = await schedule(alice, {
        subject: 'Weekly sync',
        start: '2027-03-22T09:30',
        timeZone: 'Europe/Berlin',
        durationMinutes: 45,
        recurrence: { frequency: 'weekly', count: 4 },
      });
      // 09:30 in Berlin is 08:30 UTC in winter (CET, +01:00).
      expect(meeting).toMatchObject({
        start: '2027-03-22T08:30:00.000Z',
        localStart: '2027-03-22T09:30',
        timeZone: 'Europe/Berlin',
        durationMinutes: 45,
        recurrence: { frequency: 'weekly', count: 4 },
        when: 'upcoming',
        occurrence: { start: '2027-03-22T08:30:00.000Z', end: '2027-03-22T09:15:00.000Z' },
      });
      // A week after the first: Berlin moved to summer time (28 March), the wall clock did not.
      clock = Date.parse('2027-03-23T12:00:00Z');
      const later = ok(
        await alice.call('GET', `/api/meetings/${meeting.id}`),
        meetingResponseSchema,
      );
      expect(later.meeting.occurrence.start).toBe('2027-03-29T07:30:00.000Z');
      clock = Date.parse('2027-03-01T08:00:00Z');
    });

    it('gives a meeting without a time now, 60 minutes, UTC', async () => {
      const meeting = await schedule(alice, { subject: 'Right now' });
      expect(meeting).toMatchObject({
        start: new Date(clock).toISOString(),
        timeZone: 'UTC',
        durationMinutes: 60,
        recurrence: null,
        when: 'upcoming',
      });
    });

    it('refuses times it cannot understand, with a sentence about the input', async () => {
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ timeZone: 'Mars/Olympus' }, /time zone "Mars\/Olympus" is not known/u],
        [{ timeZone: '+01:00' }, /not known/u],
        [{ durationMinutes: 0 }, /at least 5 minutes/u],
        [{ durationMinutes: 2000 }, /at most 1440 minutes/u],
        [{ start: '2027-02-30T10:00' }, /not a real date/u],
        [{ start: 'tomorrow' }, /local date and time/u],
        [{ recurrence: { frequency: 'daily' } }, /needs an end/u],
        [{ recurrence: { frequency: 'daily', count: 3, until: '2027-04-01' } }, /not both/u],
        [{ recurrence: { frequency: 'monthly', count: 3 } }, /daily or weekly/u],
        [
          { start: '2027-03-10T10:00', recurrence: { frequency: 'weekly', until: '2027-03-12' } },
          /before its second occurrence/u,
        ],
      ];
      for (const [fields, sentence] of cases) {
        const error = fails(
          await alice.call('POST', '/api/meetings', { subject: 'Bad', ...fields }),
          400,
          'INVALID_INPUT',
        );
        expect(error.message, JSON.stringify(fields)).toMatch(sentence);
      }
    });

    it('lists upcoming soonest first (a recurring one at its next occurrence), then past most recent first', async () => {
      const viewer = carol;
      const at = (iso: string) => ({ start: iso, timeZone: 'UTC', invitees: [viewer.userId] });
      const daily = await schedule(alice, {
        subject: 'Daily standup',
        ...at('2027-02-20T09:00'),
        durationMinutes: 15,
        recurrence: { frequency: 'daily', until: '2027-03-31' },
      });
      const soon = await schedule(alice, { subject: 'Soon', ...at('2027-03-01T12:00') });
      const later = await schedule(alice, { subject: 'Later', ...at('2027-03-05T12:00') });
      const yesterday = await schedule(alice, { subject: 'Yesterday', ...at('2027-02-28T12:00') });
      const lastWeek = await schedule(alice, { subject: 'Last week', ...at('2027-02-22T12:00') });
      const endedEarly = await schedule(alice, { subject: 'Ended', ...at('2027-03-10T12:00') });
      ok(await alice.call('POST', `/api/meetings/${endedEarly.id}/end`), meetingResponseSchema);

      const listed = ok(await viewer.call('GET', '/api/meetings'), meetingListSchema).meetings;
      expect(listed.map((m) => m.subject)).toEqual([
        'Daily standup', // next at 2027-03-01T09:00, an hour from now
        'Soon',
        'Later',
        'Ended', // ended meetings are past; its only occurrence is the most recent past one
        'Yesterday',
        'Last week',
      ]);
      expect(listed[0]).toMatchObject({
        id: daily.id,
        when: 'upcoming',
        occurrence: { start: '2027-03-01T09:00:00.000Z' },
      });
      const upcoming = ok(
        await viewer.call('GET', '/api/meetings?when=upcoming'),
        meetingListSchema,
      );
      expect(upcoming.meetings.map((m) => m.id)).toEqual([daily.id, soon.id, later.id]);
      const past = ok(await viewer.call('GET', '/api/meetings?when=past'), meetingListSchema);
      expect(past.meetings.map((m) => m.id)).toEqual([endedEarly.id, yesterday.id, lastWeek.id]);
      fails(await viewer.call('GET', '/api/meetings?when=soon'), 400, 'INVALID_INPUT');
      // Another organization sees none of them.
      expect(ok(await stranger.call('GET', '/api/meetings'), meetingListSchema).meetings).toEqual(
        [],
      );
    });

    it('lets the organizer or an admin change who is invited before the start, not after', async () => {
      const meeting = await schedule(alice, { subject: 'Planning', invitees: [bob.userId] });
      const invited = async (as: Session, userIds: string[]) =>
        as.call('POST', `/api/meetings/${meeting.id}/invitees`, { userIds });

      let after = ok(await invited(alice, [carol.userId]), meetingResponseSchema);
      expect(after.meeting.invitees.sort()).toEqual([bob.userId, carol.userId].sort());
      // Bob, invited, may not change the list; an admin may.
      fails(await invited(bob, [carol.userId]), 403, 'FORBIDDEN');
      after = ok(
        await admin.call('DELETE', `/api/meetings/${meeting.id}/invitees/${carol.userId}`),
        meetingResponseSchema,
      );
      expect(after.meeting.invitees).toEqual([bob.userId]);
      fails(await invited(alice, ['nobody']), 404, 'NOT_FOUND');
      fails(await invited(stranger, [carol.userId]), 404, 'NOT_FOUND');
      fails(
        await alice.call('DELETE', `/api/meetings/${meeting.id}/invitees/${carol.userId}`),
        404,
        'NOT_FOUND',
      );

      // Bob was let in from the lobby too; taking him off the list leaves no admission behind.
      ok(
        await alice.call('POST', `/api/meetings/${meeting.id}/lobby/${bob.userId}/admit`),
        undefinedSafe,
      );
      ok(
        await alice.call('DELETE', `/api/meetings/${meeting.id}/invitees/${bob.userId}`),
        meetingResponseSchema,
      );
      const members = ok(
        await alice.call('GET', `/api/directory/admissions/${meeting.id}`),
        admissionListSchema,
      );
      expect(members.users.map((u) => u.userId)).toEqual([alice.userId]);

      const audit = (await admin.call('GET', '/api/admin/audit?kind=meeting.invitees.removed'))
        .body as { entries: { subject: string; details: { users: string[] } }[] };
      expect(
        audit.entries
          .filter((e) => e.subject === `meeting:${meeting.id}`)
          .map((e) => e.details.users),
      ).toEqual(expect.arrayContaining([[carol.userId], [bob.userId]]));

      ok(await alice.call('POST', `/api/meetings/${meeting.id}/start`), meetingResponseSchema);
      const started = fails(await invited(alice, [carol.userId]), 409, 'CONFLICT');
      expect(started.message).toMatch(/has started/u);
      ok(await alice.call('POST', `/api/meetings/${meeting.id}/end`), meetingResponseSchema);
      const ended = fails(await invited(admin, [carol.userId]), 409, 'CONFLICT');
      expect(ended.message).toMatch(/has ended/u);
    });

    it('hands the invitation as an .ics to the organizer, invitees and admins only', async () => {
      const meeting = await schedule(alice, {
        subject: 'Design review',
        start: '2027-03-03T14:00',
        timeZone: 'America/New_York',
        durationMinutes: 90,
        recurrence: { frequency: 'weekly', count: 6 },
        invitees: [bob.userId],
      });
      const path = `/api/meetings/${meeting.id}/invitation.ics`;
      const reply = await bob.call('GET', path);
      expect(reply.status, reply.text).toBe(200);
      expect(reply.headers.get('content-type')).toMatch(/^text\/calendar/u);

      const calendar = new ICAL.Component(ICAL.parse(reply.text) as unknown[]);
      const vevent = calendar.getFirstSubcomponent('vevent');
      if (vevent === null) throw new Error('no VEVENT');
      const event = new ICAL.Event(vevent);
      expect(event.summary).toBe('Design review');
      expect(event.startDate.toString()).toBe('2027-03-03T14:00:00');
      expect(vevent.getFirstProperty('dtstart')?.getParameter('tzid')).toBe('America/New_York');
      expect(event.endDate.toString()).toBe('2027-03-03T15:30:00');
      expect(String(vevent.getFirstPropertyValue('rrule'))).toBe('FREQ=WEEKLY;COUNT=6');
      expect(String(vevent.getFirstPropertyValue('organizer'))).toBe('mailto:alice@times.example');
      expect(event.attendees.map((a) => String(a.getFirstValue()).toLowerCase())).toEqual([
        'mailto:bob@times.example',
      ]);
      expect(String(vevent.getFirstPropertyValue('url'))).toBe(
        `${server.url}/meetings/${meeting.id}`,
      );
      expect(calendar.getFirstSubcomponent('vtimezone')?.getFirstPropertyValue('tzid')).toBe(
        'America/New_York',
      );

      expect((await alice.call('GET', path)).status).toBe(200);
      expect((await admin.call('GET', path)).status).toBe(200);
      // Carol has the link but is not invited: she may knock, not have the invitation.
      fails(await carol.call('GET', path), 403, 'FORBIDDEN');
      fails(await stranger.call('GET', path), 404, 'NOT_FOUND');
    });
  });
}

/** The lobby's answer is not what this test is about. */
const undefinedSafe = { safeParse: (value: unknown) => ({ success: true, data: value }) } as never;
