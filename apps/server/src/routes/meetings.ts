// Scheduling and running meetings (spec §4). Every answer carries the engine's decision.
import {
  meetingListSchema,
  meetingOptionsChangeSchema,
  meetingPreviewSchema,
  meetingRequestSchema,
  meetingResponseSchema,
  meetingWhenQuerySchema,
} from '@conclave/protocol';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { meetingService } from '../governance/meetings.ts';
import { route } from '../http/route.ts';
import type { Route } from '../http/route.ts';
import { meetingView } from '../http/views.ts';
import type { MeetingRecord } from '../storage/records.ts';

const idParams = z.object({ id: z.string().min(1).max(200) });
export function meetingRoutes(ctx: AppContext): Route[] {
  const meetings = meetingService(ctx);
  const withDecision = (meeting: MeetingRecord) => ({
    meeting: meetingView(meeting, ctx.now()),
    decision: meeting.decision,
  });
  return [
    route({
      method: 'POST',
      url: '/api/meetings/preview',
      summary: 'What scheduling this meeting would decide, without creating it',
      access: 'user',
      body: meetingRequestSchema,
      response: meetingPreviewSchema,
      async handler({ session, body }) {
        return { decision: await meetings.preview(session, body) };
      },
    }),
    route({
      method: 'POST',
      url: '/api/meetings',
      summary: 'Schedule a meeting; 409 MEETING_REJECTED with reasons if the rules refuse it',
      access: 'user',
      status: 201,
      body: meetingRequestSchema,
      response: meetingResponseSchema,
      errors: [409],
      async handler({ session, body }) {
        return withDecision(await meetings.schedule(session, body));
      },
    }),
    route({
      method: 'GET',
      url: '/api/meetings',
      summary:
        'Meetings I organize or am invited to: upcoming soonest first (a recurring one at its next occurrence), then past most recent first; ?when=upcoming|past keeps one kind',
      access: 'user',
      query: meetingWhenQuerySchema,
      response: meetingListSchema,
      async handler({ session, query }) {
        const now = ctx.now();
        const listed = await meetings.list(session, query.when);
        return { meetings: listed.map((meeting) => meetingView(meeting, now)) };
      },
    }),
    route({
      method: 'GET',
      url: '/api/meetings/:id',
      summary: 'A meeting and the decision that holds for it (403: not invited)',
      access: 'user',
      params: idParams,
      response: meetingResponseSchema,
      errors: [403],
      async handler({ session, params }) {
        return withDecision(await meetings.visible(session, params.id));
      },
    }),
    route({
      method: 'PATCH',
      url: '/api/meetings/:id/options',
      summary: "Change a meeting's options (organizer); 409 with reasons if the rules refuse it",
      access: 'user',
      params: idParams,
      body: meetingOptionsChangeSchema,
      response: meetingResponseSchema,
      errors: [403, 409],
      async handler({ session, params, body }) {
        return withDecision(await meetings.changeOptions(session, params.id, body.options));
      },
    }),
    route({
      method: 'POST',
      url: '/api/meetings/:id/start',
      summary:
        'Start a meeting (organizer): the rules run again; 409 with reasons and no start if they refuse',
      access: 'user',
      params: idParams,
      response: meetingResponseSchema,
      errors: [403, 409],
      async handler({ session, params }) {
        return withDecision(await meetings.start(session, params.id));
      },
    }),
    route({
      method: 'POST',
      url: '/api/meetings/:id/end',
      summary: 'End a meeting (organizer)',
      access: 'user',
      params: idParams,
      response: meetingResponseSchema,
      errors: [403, 409],
      async handler({ session, params }) {
        return withDecision(await meetings.end(session, params.id));
      },
    }),
  ];
}
