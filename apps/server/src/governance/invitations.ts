// Who is invited to a meeting, changed after scheduling (governance.md §5: invitees enter
// directly, others wait in the lobby). Only before the start: once people are in, the list members
// check credentials against must not change under them. An uninvited person loses any lobby
// admission too, so they are back to knocking — not admitted by a leftover row.
import type { AppContext } from '../context.ts';
import { actorOf } from '../audit/actor.ts';
import { ServerError, conflict, notFound } from '../errors.ts';
import type { Session } from '../http/route.ts';
import type { MeetingRecord } from '../storage/records.ts';
import { meetingService } from './meetings.ts';

function unchangeable(meeting: MeetingRecord): ServerError | undefined {
  if (meeting.state === 'started') {
    return conflict('The meeting has started: who is invited can only change before the start.');
  }
  if (meeting.state === 'ended') {
    return conflict('The meeting has ended: who is invited can no longer change.');
  }
  return undefined;
}

export function invitationService(ctx: AppContext) {
  const meetings = meetingService(ctx);
  const { store, audit } = ctx;

  async function changeable(session: Session, id: string): Promise<MeetingRecord> {
    const meeting = await meetings.organizedOrAdmin(session, id);
    const refusal = unchangeable(meeting);
    if (refusal !== undefined) throw refusal;
    return meeting;
  }

  const audited = (session: Session, meetingId: string, kind: string, users: string[]) =>
    ({
      tenantId: session.tenantId,
      actor: actorOf(session.user),
      kind,
      subject: `meeting:${meetingId}`,
      details: { users },
    }) as const;

  return {
    /** Invites each of `userIds` (people of the caller's tenant); returns the meeting after. */
    async add(session: Session, id: string, userIds: string[]): Promise<MeetingRecord> {
      await changeable(session, id);
      const known = await store.users.existing(session.tenantId, userIds);
      const unknown = userIds.findIndex((userId) => !known.has(userId));
      if (unknown >= 0) throw notFound('user', `$.userIds[${unknown}]`);
      await store.transaction(async (tx) => {
        const added = await tx.meetings.addInvitees(session.tenantId, id, userIds);
        if (added.length > 0) {
          await audit.record(audited(session, id, 'meeting.invitees.added', added), tx);
        }
      });
      return meetings.visible(session, id);
    },

    /** Takes `userId` off the invitation list (and out of any admission). */
    async remove(session: Session, id: string, userId: string): Promise<MeetingRecord> {
      const meeting = await changeable(session, id);
      if (!meeting.invitees.includes(userId)) {
        throw new ServerError('NOT_FOUND', 'This person is not invited to this meeting.');
      }
      await store.transaction(async (tx) => {
        await tx.meetings.removeInvitee(session.tenantId, id, userId);
        await tx.admissions.remove(session.tenantId, id, userId);
        await audit.record(audited(session, id, 'meeting.invitees.removed', [userId]), tx);
      });
      return meetings.visible(session, id);
    },

    /**
     * The meeting if the caller may have its invitation: its organizer, its invitees and the
     * tenant's admins — not a colleague who only has the link.
     */
    async forInvitation(session: Session, id: string): Promise<MeetingRecord> {
      const meeting = await meetings.visible(session, id);
      const user = session.user;
      if (
        meeting.organizer !== user.id &&
        !meeting.invitees.includes(user.id) &&
        user.role !== 'admin'
      ) {
        throw new ServerError(
          'FORBIDDEN',
          'Only the organizer, the people invited and admins can download this invitation.',
        );
      }
      return meeting;
    },
  };
}
