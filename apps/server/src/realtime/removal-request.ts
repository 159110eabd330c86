// Who may remove whom over a socket (`remove-participant`), judged by the room without waiting for
// the database where it can: the meeting's organizer is known to the room, so their removal is
// taken even while the database is away. An admin's role is read again from the database (a role
// may have been taken away since the socket signed in), so theirs waits for it — `unavailable`.
import type { RemovalRefusal } from '@conclave/protocol';
import type { AppContext } from '../context.ts';
import { isOutage } from '../storage/unavailable.ts';
import type { JoinTarget } from './admission.ts';
import type { SocketIdentity } from './authenticate.ts';

export type RemovalJudgement =
  | { readonly kind: 'allowed'; readonly standing: 'organizer' | 'admin' }
  | { readonly kind: 'refused'; readonly code: RemovalRefusal; readonly message: string };

const refused = (code: RemovalRefusal, message: string): RemovalJudgement => ({
  kind: 'refused',
  code,
  message,
});

/** `targetUserId` is undefined when no participant of that id is in the room now. */
export async function judgeRemoval(
  ctx: AppContext,
  target: JoinTarget,
  requester: SocketIdentity,
  targetUserId: string | undefined,
): Promise<RemovalJudgement> {
  if (target.kind !== 'meeting' || target.startedAt === undefined)
    return refused('forbidden', 'Nobody can be removed from a call; either side may hang up.');
  const standing = await standingOf(ctx, target, requester);
  if (standing === 'unavailable')
    return refused(
      'unavailable',
      "An admin's removal waits for the server's database, which is not answering: try again shortly.",
    );
  if (standing === undefined)
    return refused(
      'forbidden',
      'Only the organizer or an admin can remove someone from this meeting.',
    );
  if (targetUserId === undefined)
    return refused('not_found', 'That participant is not in the meeting now.');
  if (targetUserId === requester.user.id)
    return refused('conflict', 'You cannot remove yourself; leave the meeting instead.');
  if (targetUserId === target.organizerId)
    return refused('conflict', 'The organizer cannot be removed from their own meeting.');
  return { kind: 'allowed', standing };
}

async function standingOf(
  ctx: AppContext,
  target: JoinTarget,
  requester: SocketIdentity,
): Promise<'organizer' | 'admin' | 'unavailable' | undefined> {
  if (requester.user.id === target.organizerId) return 'organizer';
  if (requester.user.role !== 'admin') return undefined;
  try {
    const now = await ctx.store.users.get(requester.tenantId, requester.user.id);
    return now?.role === 'admin' ? 'admin' : undefined;
  } catch (error) {
    if (isOutage(error)) return 'unavailable';
    throw error;
  }
}
