// Who is in a running meeting, and taking someone out of it (issue #4; who waits: ./lobby.ts).
// The organizer and the tenant's admins may remove a participant: the realtime side takes every
// device of that user out at once (relay first, then their MLS Remove, so the group rekeys and the
// security code changes) and refuses their joins until the meeting is ended and started again. Removals are audited with who removed whom; nothing about keys is in the entry.
import {
  liveRosterSchema,
  participantRemovedSchema,
  type LiveParticipant,
} from '@conclave/protocol';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { ServerError, conflict, notFound } from '../errors.ts';
import { route } from '../http/route.ts';
import type { Route, Session } from '../http/route.ts';
import { iso } from '../http/views.ts';
import { realtimeOf } from '../realtime/control.ts';
import type { RosterEntry } from '../realtime/room-types.ts';
import type { MeetingRecord } from '../storage/records.ts';
import { recordRemoval } from '../governance/removals.ts';

const idParams = z.object({ id: z.string().min(1).max(200) });
const participantParams = idParams.extend({ participantId: z.string().min(1).max(200) });

type Standing = 'organizer' | 'admin' | 'participant' | 'invitee' | 'stranger';

/** What the caller is to this meeting; the first that applies. */
function standing(session: Session, meeting: MeetingRecord, roster: RosterEntry[]): Standing {
  const { user } = session;
  if (meeting.organizer === user.id) return 'organizer';
  if (user.role === 'admin') return 'admin';
  if (roster.some((p) => p.userId === user.id)) return 'participant';
  return meeting.invitees.includes(user.id) ? 'invitee' : 'stranger';
}

/** Someone who may not even see the meeting learns nothing about it: the same 404 as no meeting. */
function refuse(who: Standing, what: string): never {
  if (who === 'stranger') throw notFound('meeting');
  throw new ServerError('FORBIDDEN', what);
}

function view(entry: RosterEntry, e2ee: boolean): LiveParticipant {
  return {
    participantId: entry.participantId,
    userId: entry.userId,
    displayName: entry.displayName,
    deviceId: entry.deviceId,
    relayId: entry.relayId,
    joinedAt: iso(entry.joinedAt),
    ...(e2ee && entry.leafIndex !== undefined ? { leafIndex: entry.leafIndex } : {}),
  };
}

export function participantRoutes(ctx: AppContext): Route[] {
  const { store } = ctx;
  // Looked up per request: the realtime side registers after the routes are built.
  const realtime = () => realtimeOf(ctx);
  const meetingOf = async (session: Session, id: string): Promise<MeetingRecord> => {
    const meeting = await store.meetings.get(session.tenantId, id);
    if (meeting === undefined) throw notFound('meeting');
    return meeting;
  };

  return [
    route({
      method: 'GET',
      url: '/api/meetings/:id/participants',
      summary:
        'Who is connected to a running meeting now (organizer, admins and its participants); E2EE: each MLS leaf once known',
      access: 'user',
      params: idParams,
      response: liveRosterSchema,
      errors: [403],
      async handler({ session, params }) {
        const meeting = await meetingOf(session, params.id);
        const roster = await realtime().roster(session.tenantId, meeting.id);
        const who = standing(session, meeting, roster);
        if (who === 'invitee' || who === 'stranger')
          refuse(
            who,
            'Only the organizer, an admin or a participant can see who is in the meeting.',
          );
        const e2ee = meeting.decision.endToEndEncryption.enabled;
        return {
          meetingId: meeting.id,
          endToEndEncryption: e2ee,
          participants: roster.map((entry) => view(entry, e2ee)),
        };
      },
    }),
    route({
      method: 'POST',
      url: '/api/meetings/:id/participants/:participantId/remove',
      summary:
        'Remove a participant (organizer or admin): out at once, MLS Remove proposed, and no rejoining until the meeting is restarted',
      access: 'user',
      params: participantParams,
      response: participantRemovedSchema,
      errors: [403, 409],
      async handler({ session, params }) {
        const meeting = await meetingOf(session, params.id);
        const roster = await realtime().roster(session.tenantId, meeting.id);
        const who = standing(session, meeting, roster);
        if (who !== 'organizer' && who !== 'admin')
          refuse(who, 'Only the organizer or an admin can remove someone from this meeting.');
        const target = roster.find((p) => p.participantId === params.participantId);
        if (target === undefined || meeting.startedAt === null) throw notFound('participant');
        if (target.userId === session.user.id)
          throw conflict('You cannot remove yourself; leave the meeting instead.');
        if (target.userId === meeting.organizer)
          throw conflict('The organizer cannot be removed from their own meeting.');

        // Recorded before anyone is taken out, so a join racing the removal is already refused.
        await recordRemoval(ctx, {
          tenantId: session.tenantId,
          meetingId: meeting.id,
          runStartedAt: meeting.startedAt,
          by: session.user,
          standing: who,
          target,
        });
        return {
          removed: await realtime().removeUser(session.tenantId, meeting.id, target.userId),
        };
      },
    }),
  ];
}
