// Who is invited to a meeting (changed by its organizer or an admin, before the start), and the
// invitation as an iCalendar file for the organizer, the invitees and admins.
import { inviteesAddSchema, meetingResponseSchema } from '@conclave/protocol';
import { z } from 'zod';
import { invitationFile } from '../calendar/invitation-file.ts';
import type { AppContext } from '../context.ts';
import { invitationService } from '../governance/invitations.ts';
import { route } from '../http/route.ts';
import type { Route } from '../http/route.ts';
import { meetingView } from '../http/views.ts';
import { realtimeOf } from '../realtime/control.ts';
import type { MeetingRecord } from '../storage/records.ts';

const idParams = z.object({ id: z.string().min(1).max(200) });
const personParams = idParams.extend({ userId: z.string().min(1).max(200) });

export function invitationRoutes(ctx: AppContext): Route[] {
  const invitations = invitationService(ctx);
  // Whoever waits in the lobby is looked at again: an invitee now waits for the start, someone
  // taken off the list for an organizer to let them in (every node of a cluster is told).
  const answer = (tenantId: string, meeting: MeetingRecord) => {
    realtimeOf(ctx).meetingChanged(tenantId, meeting.id);
    return { meeting: meetingView(meeting, ctx.now()), decision: meeting.decision };
  };
  return [
    route({
      method: 'POST',
      url: '/api/meetings/:id/invitees',
      summary:
        'Invite people of the organization (organizer or admin, before the start; 409 once it started or ended)',
      access: 'user',
      params: idParams,
      body: inviteesAddSchema,
      response: meetingResponseSchema,
      errors: [403, 409],
      async handler({ session, params, body }) {
        return answer(session.tenantId, await invitations.add(session, params.id, body.userIds));
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/meetings/:id/invitees/:userId',
      summary:
        'Take someone off the invitation list, and out of any lobby admission (organizer or admin, before the start)',
      access: 'user',
      params: personParams,
      response: meetingResponseSchema,
      errors: [403, 409],
      async handler({ session, params }) {
        return answer(
          session.tenantId,
          await invitations.remove(session, params.id, params.userId),
        );
      },
    }),
    route({
      method: 'GET',
      url: '/api/meetings/:id/invitation.ics',
      summary:
        'The invitation as an iCalendar file (text/calendar): times in the meeting’s zone, recurrence, organizer, attendees and join link (organizer, invitees, admins)',
      access: 'user',
      params: idParams,
      response: z.string(),
      errors: [403],
      async handler({ session, params, request, reply }) {
        const meeting = await invitations.forInvitation(session, params.id);
        const users = new Map(
          (await ctx.store.users.list(session.tenantId)).map((user) => [user.id, user]),
        );
        const person = (id: string) => {
          const user = users.get(id);
          return user === undefined ? [] : [{ displayName: user.displayName, email: user.email }];
        };
        const [organizer] = person(meeting.organizer);
        // The web app's page of the meeting, on the address this request came to (through a
        // trusted proxy, its forwarded one).
        const joinUrl = `${request.protocol}://${request.host}/meetings/${encodeURIComponent(meeting.id)}`;
        const text = invitationFile({
          meetingId: meeting.id,
          subject: meeting.subject,
          time: meeting,
          organizer: organizer ?? { displayName: 'Organizer', email: 'organizer@invalid' },
          attendees: meeting.invitees.flatMap(person),
          joinUrl,
          now: ctx.now(),
        });
        return reply
          .type('text/calendar; charset=utf-8')
          .header('content-disposition', 'attachment; filename="invitation.ics"')
          .header('cache-control', 'no-store')
          .code(200)
          .send(text);
      },
    }),
  ];
}
