// Who a meeting or 1:1 call may contain, as its members' authentication services read it
// (spec/e2ee.md "Identity"; `GET /api/directory/admissions/:id`): a meeting's organizer, its
// invitees and everyone admitted to it otherwise; a call's two sides. Until there is a lobby,
// "otherwise" is whoever the realtime side lets in without an invitation (an admin, or anyone of
// the tenant who opens the meeting's link): each such entry is recorded here as an admission,
// audited, so members see it and a later lobby only adds rows. The server is trusted for this
// list (signed admissions are a later step); what it changes is that a member refuses anyone the
// list does not name, so the server cannot put someone in a group without saying so here.
import type { AdmissionList } from '@conclave/protocol';
import type { AppContext } from '../context.ts';
import { iso } from '../http/views.ts';
import type { UserRecord } from '../storage/records.ts';

type Listed = AdmissionList['users'][number];

/**
 * `user` entered meeting `meetingId`: recorded as an admission unless they are its organizer or
 * an invitee, or were admitted before. Calls need none (their two sides are the list).
 */
export async function recordEntry(
  ctx: AppContext,
  tenantId: string,
  meetingId: string,
  user: Pick<UserRecord, 'id' | 'displayName' | 'role'>,
): Promise<void> {
  const meeting = await ctx.store.meetings.get(tenantId, meetingId);
  if (meeting === undefined) return;
  if (meeting.organizer === user.id || meeting.invitees.includes(user.id)) return;
  const known = await ctx.store.admissions.list(tenantId, meetingId);
  if (known.some((admission) => admission.userId === user.id)) return;
  const via = user.role === 'admin' ? 'admin' : 'open-link';
  await ctx.store.transaction(async (tx) => {
    await tx.admissions.add(tenantId, meetingId, {
      userId: user.id,
      via,
      admittedAt: ctx.now(),
    });
    await ctx.audit.record(
      {
        tenantId,
        actor: { id: user.id, displayName: user.displayName },
        kind: 'meeting.admitted',
        subject: `meeting:${meetingId}`,
        details: { user: user.id, via },
      },
      tx,
    );
  });
}

/**
 * The list for meeting or call `id` as `reader` may see it: undefined when it does not exist for
 * them (another tenant's, or one they are not on — a meeting's admins excepted).
 */
export async function admissionList(
  ctx: AppContext,
  tenantId: string,
  id: string,
  reader: Pick<UserRecord, 'id' | 'role'>,
): Promise<AdmissionList | undefined> {
  const { store } = ctx;
  const meeting = await store.meetings.get(tenantId, id);
  let kind: AdmissionList['kind'];
  let entries: Omit<Listed, 'displayName' | 'email'>[];
  if (meeting !== undefined) {
    kind = 'meeting';
    entries = [
      { userId: meeting.organizer, basis: 'organizer' },
      ...meeting.invitees
        .filter((userId) => userId !== meeting.organizer)
        .map((userId): Omit<Listed, 'displayName' | 'email'> => ({ userId, basis: 'invitee' })),
    ];
    for (const admission of await store.admissions.list(tenantId, id)) {
      if (entries.some((entry) => entry.userId === admission.userId)) continue;
      entries.push({
        userId: admission.userId,
        basis: 'admitted',
        via: admission.via,
        admittedAt: iso(admission.admittedAt),
      });
    }
    if (reader.role !== 'admin' && !entries.some((entry) => entry.userId === reader.id))
      return undefined;
  } else {
    const call = await store.calls.get(tenantId, id);
    if (call === undefined || (call.caller !== reader.id && call.callee !== reader.id))
      return undefined;
    kind = 'call';
    entries = [
      { userId: call.caller, basis: 'caller' },
      { userId: call.callee, basis: 'callee' },
    ];
  }
  const users = new Map((await store.users.list(tenantId)).map((user) => [user.id, user]));
  return {
    id,
    kind,
    users: entries.flatMap((entry) => {
      const user = users.get(entry.userId);
      // A deleted user is no one the meeting may contain.
      return user === undefined
        ? []
        : [{ ...entry, displayName: user.displayName, email: user.email }];
    }),
  };
}
