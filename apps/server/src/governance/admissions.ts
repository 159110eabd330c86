// Who a meeting or 1:1 call may contain, as its members' authentication services read it
// (spec/e2ee.md "Identity"; `GET /api/directory/admissions/:id`): a meeting's organizer, its
// invitees and everyone an organizer (or admin) let in from the lobby (governance.md §5); a call's
// two sides. Each admission is recorded here and audited, so members see it. In an E2EE meeting the
// list also carries the statements an organizer's device signed (./signed-admissions.ts): members
// admit only whom those cover, so a server that names someone here without a signature still gets
// them no one's keys.
import type { AdmissionList } from '@conclave/protocol';
import type { AppContext } from '../context.ts';
import { iso } from '../http/views.ts';
import type { MeetingRecord, UserRecord } from '../storage/records.ts';
import type { Store } from '../storage/store.ts';
import { coverageOf, signedStatements } from './signed-admissions.ts';

type Listed = AdmissionList['users'][number];

/** How a person may enter a started meeting (governance.md §5). */
export type Entry = 'direct' | 'admitted' | 'lobby';

/**
 * The organizer and invitees enter directly; someone let in from the lobby is admitted. In an E2EE
 * meeting only signed admissions count (./signed-admissions.ts): the organizer and whom the newest
 * signed invitation list names enter directly, whom a signed lobby admission covers is admitted,
 * and everyone else — invitees too, while no list is signed — waits in the lobby, so the server
 * never proposes an Add that no organizer's device covered.
 */
export async function entryOf(
  ctx: AppContext,
  tenantId: string,
  meeting: Pick<MeetingRecord, 'id' | 'organizer' | 'invitees' | 'decision'>,
  userId: string,
): Promise<Entry> {
  if (meeting.decision.endToEndEncryption.enabled) {
    const coverage = await coverageOf(ctx, tenantId, meeting, ctx.now());
    if (coverage.listed.has(userId)) return 'direct';
    return coverage.users.has(userId) ? 'admitted' : 'lobby';
  }
  if (meeting.organizer === userId || meeting.invitees.includes(userId)) return 'direct';
  const admitted = await ctx.store.admissions.list(tenantId, meeting.id);
  return admitted.some((admission) => admission.userId === userId) ? 'admitted' : 'lobby';
}

/**
 * An organizer (or an admin), `by`, lets `userId` in from the meeting's lobby: recorded as an
 * admission (members read it) and audited, in one transaction. Idempotent.
 */
export async function admitFromLobby(
  ctx: AppContext,
  tenantId: string,
  meetingId: string,
  userId: string,
  by: Pick<UserRecord, 'id' | 'displayName'>,
): Promise<void> {
  await ctx.store.transaction((tx) =>
    recordLobbyAdmission(ctx, tx, tenantId, meetingId, userId, by),
  );
}

/** `admitFromLobby`'s record and audit entry, inside the caller's transaction `tx`. */
export async function recordLobbyAdmission(
  ctx: AppContext,
  tx: Store,
  tenantId: string,
  meetingId: string,
  userId: string,
  by: Pick<UserRecord, 'id' | 'displayName'>,
): Promise<void> {
  await tx.admissions.add(tenantId, meetingId, {
    userId,
    via: 'lobby',
    admittedBy: by.id,
    admittedAt: ctx.now(),
  });
  await ctx.audit.record(
    {
      tenantId,
      actor: { id: by.id, displayName: by.displayName },
      kind: 'meeting.admitted',
      subject: `meeting:${meetingId}`,
      details: { user: userId, via: 'lobby' },
    },
    tx,
  );
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
  let organizer: string;
  let entries: Omit<Listed, 'displayName' | 'email'>[];
  let signed: AdmissionList['signed'] = [];
  if (meeting !== undefined) {
    kind = 'meeting';
    organizer = meeting.organizer;
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
    if (meeting.decision.endToEndEncryption.enabled)
      signed = await signedStatements(ctx, tenantId, id);
  } else {
    const call = await store.calls.get(tenantId, id);
    if (call === undefined || (call.caller !== reader.id && call.callee !== reader.id))
      return undefined;
    kind = 'call';
    organizer = call.caller;
    entries = [
      { userId: call.caller, basis: 'caller' },
      { userId: call.callee, basis: 'callee' },
    ];
    if (call.decision.endToEndEncryption.enabled && call.admission !== null)
      signed = [call.admission];
  }
  const users = new Map((await store.users.list(tenantId)).map((user) => [user.id, user]));
  return {
    id,
    kind,
    organizer,
    signed,
    users: entries.flatMap((entry) => {
      const user = users.get(entry.userId);
      // A deleted user is no one the meeting may contain.
      return user === undefined
        ? []
        : [{ ...entry, displayName: user.displayName, email: user.email }];
    }),
  };
}
