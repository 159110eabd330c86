// An organizer's (or admin's) removal of a user from a run of a meeting, as the database keeps it:
// the removal row (their joins are refused until the meeting is started again) and its audit
// entry, in one transaction. Both doors use it — `POST …/participants/:id/remove` before anyone
// is taken out, and the organizer's `remove-participant` on the socket, which takes them out first
// and records this when the database answers.
import { actorOf } from '../audit/actor.ts';
import type { AppContext } from '../context.ts';
import type { UserRecord } from '../storage/records.ts';

export interface RemovalRecord {
  readonly tenantId: string;
  readonly meetingId: string;
  /** The run of the meeting the removal holds for. */
  readonly runStartedAt: number;
  readonly by: Pick<UserRecord, 'id' | 'displayName'>;
  readonly standing: 'organizer' | 'admin';
  /** The participant named by the request (other devices of the same user go too). */
  readonly target: {
    readonly participantId: string;
    readonly userId: string;
    readonly displayName: string;
    readonly deviceId: string;
  };
}

export async function recordRemoval(ctx: AppContext, removal: RemovalRecord): Promise<void> {
  const { tenantId, meetingId, target } = removal;
  await ctx.store.transaction(async (tx) => {
    await tx.removals.put(tenantId, meetingId, {
      userId: target.userId,
      runStartedAt: removal.runStartedAt,
      removedBy: removal.by.id,
      removedAt: ctx.now(),
    });
    await ctx.audit.record(
      {
        tenantId,
        actor: actorOf(removal.by),
        kind: 'meeting.participant.removed',
        subject: `meeting:${meetingId}`,
        details: {
          participantId: target.participantId,
          user: { id: target.userId, displayName: target.displayName },
          device: target.deviceId,
          reason: 'removed-by-organizer',
          by: removal.standing,
        },
      },
      tx,
    );
  });
}
