// Who waits to enter a meeting (governance.md §5), and letting them in or turning them away. The
// organizer and the tenant's admins see the lobby on every node of a cluster; someone they let in
// is recorded as admitted (members read it: GET /api/directory/admissions/:id) and enters by
// itself; someone they turn away is told so. Both are audited with who decided. In an E2EE meeting
// the organizer's device signs the admission instead (POST /api/meetings/:id/admissions).
import {
  ADMISSION_BODY_LIMIT,
  admissionSubmitSchema,
  admissionSubmittedSchema,
  lobbySchema,
  type Lobby,
} from '@conclave/protocol';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { ServerError, conflict, notFound } from '../errors.ts';
import { admitFromLobby } from '../governance/admissions.ts';
import { coverageOf, submitAdmission } from '../governance/signed-admissions.ts';
import { route } from '../http/route.ts';
import type { Route, Session } from '../http/route.ts';
import { iso } from '../http/views.ts';
import { realtimeOf } from '../realtime/control.ts';
import type { MeetingRecord } from '../storage/records.ts';

const idParams = z.object({ id: z.string().min(1).max(200) });
const personParams = idParams.extend({ userId: z.string().min(1).max(200) });

export function lobbyRoutes(ctx: AppContext): Route[] {
  const { store } = ctx;
  // Looked up per request: the realtime side registers after the routes are built.
  const realtime = () => realtimeOf(ctx);
  /**
   * The meeting, if the caller organizes it (an E2EE one's named co-organizers too) or is an admin;
   * others learn what they may.
   */
  const decidedBy = async (session: Session, id: string): Promise<MeetingRecord> => {
    const meeting = await store.meetings.get(session.tenantId, id);
    if (meeting === undefined) throw notFound('meeting');
    if (meeting.organizer === session.user.id || session.user.role === 'admin') return meeting;
    // In an E2EE meeting the co-organizers the signed invitation list names admit too.
    if (meeting.decision.endToEndEncryption.enabled) {
      const { coOrganizers } = await coverageOf(ctx, session.tenantId, meeting, ctx.now());
      if (coOrganizers.has(session.user.id)) return meeting;
    }
    if (!meeting.invitees.includes(session.user.id)) throw notFound('meeting');
    throw new ServerError('FORBIDDEN', 'Only the organizer or an admin can see who is waiting.');
  };
  const lobbyOf = async (session: Session, meetingId: string): Promise<Lobby> => {
    const waiting = await realtime().lobby(session.tenantId, meetingId);
    return {
      meetingId,
      waiting: waiting.map((w) => ({
        userId: w.userId,
        displayName: w.displayName,
        deviceId: w.deviceId,
        since: iso(w.since),
        waitingFor: w.waitingFor,
      })),
    };
  };
  /** Someone the caller may decide about: waiting now, or at least a person of the tenant. */
  const personOf = async (session: Session, userId: string) => {
    const user = await store.users.get(session.tenantId, userId);
    if (user === undefined) throw notFound('user', 'userId');
    return user;
  };

  return [
    route({
      method: 'POST',
      url: '/api/meetings/:id/admissions',
      summary:
        "E2EE meetings: hand in an admission signed on an organizer's device (the invitation list, or people let in from the lobby); checked, kept for members to check, audited",
      access: 'user',
      status: 201,
      body: admissionSubmitSchema,
      bodyLimit: ADMISSION_BODY_LIMIT,
      response: admissionSubmittedSchema,
      params: idParams,
      errors: [400, 403, 409],
      async handler({ session, params, body }) {
        return submitAdmission(ctx, session, params.id, body.admission);
      },
    }),
    route({
      method: 'GET',
      url: '/api/meetings/:id/lobby',
      summary:
        'Who waits to enter the meeting (organizer and admins), longest-waiting first: for it to start, or to be let in',
      access: 'user',
      params: idParams,
      response: lobbySchema,
      errors: [403],
      async handler({ session, params }) {
        const meeting = await decidedBy(session, params.id);
        return lobbyOf(session, meeting.id);
      },
    }),
    route({
      method: 'POST',
      url: '/api/meetings/:id/lobby/:userId/admit',
      summary:
        'Let someone in from the lobby (organizer or admin): recorded as admitted, audited; they enter by themselves',
      access: 'user',
      params: personParams,
      response: lobbySchema,
      errors: [403, 409],
      async handler({ session, params }) {
        const meeting = await decidedBy(session, params.id);
        if (meeting.state === 'ended') throw conflict('The meeting has ended.');
        if (meeting.decision.endToEndEncryption.enabled)
          throw new ServerError(
            'SIGNED_ADMISSION_REQUIRED',
            'In an end-to-end encrypted meeting an organizer admits from their meeting app, which signs the admission.',
          );
        const person = await personOf(session, params.userId);
        await admitFromLobby(ctx, session.tenantId, meeting.id, person.id, session.user);
        realtime().meetingChanged(session.tenantId, meeting.id);
        return lobbyOf(session, meeting.id);
      },
    }),
    route({
      method: 'POST',
      url: '/api/meetings/:id/lobby/:userId/deny',
      summary:
        'Turn someone away from the lobby (organizer or admin): each of their waiting joins is told, audited',
      access: 'user',
      params: personParams,
      response: lobbySchema,
      errors: [403],
      async handler({ session, params }) {
        const meeting = await decidedBy(session, params.id);
        const person = await personOf(session, params.userId);
        await ctx.audit.record({
          tenantId: session.tenantId,
          actor: { id: session.user.id, displayName: session.user.displayName },
          kind: 'meeting.lobby.denied',
          subject: `meeting:${meeting.id}`,
          details: { user: person.id },
        });
        realtime().turnAway(session.tenantId, meeting.id, person.id);
        return lobbyOf(session, meeting.id);
      },
    }),
  ];
}
