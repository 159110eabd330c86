// Whether a participant may enter a meeting or call, decided before anything else happens on
// join: the meeting must exist in the caller's tenant and be started, and the caller be its
// organizer, invited or let in — in an E2EE meeting, covered by an organizer-signed admission
// (../governance/signed-admissions.ts) — until then they wait in the lobby (./lobby.ts); a call's caller
// must be one of its two sides, and in an E2EE call the callee waits for the caller's signed
// admission (../governance/call-admissions.ts). An E2EE one must then pass governance §5 through the policy
// engine (`decideJoin`). Every blocked join is written to the audit log with its codes.
import { decideJoin, type OrgFacts } from '@conclave/policy';
import { makeReason } from '@conclave/vocabulary';
import type { E2eeState, PostQuantumDemand, PostQuantumSource, Reason } from '@conclave/vocabulary';
import { isOver } from '../calls/call-life.ts';
import type { AppContext } from '../context.ts';
import { entryOf } from '../governance/admissions.ts';
import { callAdmits } from '../governance/call-admissions.ts';
import { loadFacts } from '../governance/facts.ts';
import type { SocketIdentity } from './authenticate.ts';
import type { ClientInfo } from './signaling.ts';

/** What a socket joins: a meeting or a 1:1 call, by id, inside one tenant. */
export interface JoinTarget {
  readonly tenantId: string;
  readonly meetingId: string;
  readonly kind: 'meeting' | 'call';
  readonly endToEndEncryption: boolean;
  /** Meetings: when this run of it started (removals hold for one run). */
  readonly startedAt?: number;
  /** Meetings: the organizer's user id (they may remove participants over their socket). */
  readonly organizerId?: string;
  /**
   * E2EE meetings that must run on the post-quantum suite (decided when scheduled or started):
   * what requires it, and the meeting's label id. Absent: the classic suite.
   */
  readonly postQuantum?: { readonly source: PostQuantumSource; readonly labelId: string | null };
}

/** A reason a join is refused: the reason book's codes and sentences, engine or admission. */
export type BlockReason = Readonly<Reason>;

export type TargetLookup =
  | { readonly kind: 'found'; readonly target: JoinTarget }
  /** The meeting has not started: the joiner waits, and enters when it starts. */
  | { readonly kind: 'waiting'; readonly reasons: BlockReason[] }
  | { readonly kind: 'blocked'; readonly reasons: BlockReason[] };

/** Two sides; a user may bring a second device, the call has room for no one else. */
const CALL_CAPACITY = 2;

const notFound = (situation: 'absent' | 'ended'): BlockReason =>
  makeReason({ code: 'MEETING_NOT_FOUND', situation }, 'error');

const notStarted: BlockReason = makeReason({ code: 'MEETING_NOT_STARTED' }, 'info');
const awaitingAdmission: BlockReason = makeReason(
  { code: 'AWAITING_ADMISSION', by: 'organizer' },
  'info',
);
/** The callee of a 1:1 E2EE call, until the caller's device signed them in (../calls/). */
const awaitingCaller: BlockReason = makeReason(
  { code: 'AWAITING_ADMISSION', by: 'caller' },
  'info',
);
const notInvited: BlockReason = makeReason({ code: 'NOT_INVITED' }, 'error');

export const deniedByOrganizer: BlockReason = makeReason({ code: 'DENIED_BY_ORGANIZER' }, 'error');

export const removedByOrganizer: BlockReason = makeReason(
  { code: 'REMOVED_BY_ORGANIZER' },
  'error',
);

export const refusedByMembers: BlockReason = makeReason({ code: 'REFUSED_BY_MEMBERS' }, 'error');

/** Unknown ids, other tenants' meetings and calls of other people all read as "not found". */
export async function findTarget(
  ctx: AppContext,
  who: SocketIdentity,
  id: string,
): Promise<TargetLookup> {
  const meeting = await ctx.store.meetings.get(who.tenantId, id);
  if (meeting !== undefined) {
    if (meeting.state === 'ended') return { kind: 'blocked', reasons: [notFound('ended')] };
    const entry = await entryOf(ctx, who.tenantId, meeting, who.user.id);
    // An invitee of an E2EE meeting whose signed list does not name them yet waits, never refused.
    const invited = meeting.organizer === who.user.id || meeting.invitees.includes(who.user.id);
    if (entry === 'lobby' && !invited && meeting.options.onlyInvited === true)
      return { kind: 'blocked', reasons: [notInvited] };
    if (meeting.state === 'scheduled') return { kind: 'waiting', reasons: [notStarted] };
    if (entry === 'lobby') return { kind: 'waiting', reasons: [awaitingAdmission] };
    return {
      kind: 'found',
      target: {
        tenantId: who.tenantId,
        meetingId: meeting.id,
        kind: 'meeting',
        endToEndEncryption: meeting.decision.endToEndEncryption.enabled,
        ...postQuantumOf(meeting.decision.endToEndEncryption, meeting.label),
        ...(meeting.startedAt === null ? {} : { startedAt: meeting.startedAt }),
        organizerId: meeting.organizer,
      },
    };
  }
  const call = await ctx.store.calls.get(who.tenantId, id);
  if (call !== undefined && (call.caller === who.user.id || call.callee === who.user.id)) {
    // A call declined, cancelled, missed or ended is over like an ended meeting (../calls/).
    if (isOver(call.state)) return { kind: 'blocked', reasons: [notFound('ended')] };
    // E2EE: the callee enters once the caller's device signed their admission (moments after
    // placing it); the two sides would refuse each other before.
    const e2ee = call.decision.endToEndEncryption.enabled;
    if (e2ee && !callAdmits(who.tenantId, call, who.user.id, ctx.now()))
      return { kind: 'waiting', reasons: [awaitingCaller] };
    return {
      kind: 'found',
      target: {
        tenantId: who.tenantId,
        meetingId: call.id,
        kind: 'call',
        endToEndEncryption: call.decision.endToEndEncryption.enabled,
      },
    };
  }
  return { kind: 'blocked', reasons: [notFound('absent')] };
}

/** Governance §5 for this participant, with the room's current head count. */
export async function decideAdmission(
  ctx: AppContext,
  who: SocketIdentity,
  target: JoinTarget,
  client: ClientInfo,
  admittedCount: number,
): Promise<Reason[] | undefined> {
  if (target.kind === 'call' && admittedCount >= CALL_CAPACITY) {
    return [makeReason({ code: 'MEETING_FULL', maxParticipants: CALL_CAPACITY }, 'error')];
  }
  if (!target.endToEndEncryption) return undefined;
  const facts = await loadFacts(ctx.store, who.tenantId);
  const decision = decideJoin(
    facts,
    { endToEndEncryption: true, postQuantum: postQuantumDemandOf(facts, target) },
    who.user.id,
    client,
    admittedCount,
  );
  return decision.outcome === 'blocked' ? decision.reasons : undefined;
}

function postQuantumOf(state: E2eeState, labelId: string | null): Pick<JoinTarget, 'postQuantum'> {
  if (!state.enabled || state.postQuantum === undefined) return {};
  return { postQuantum: { source: state.postQuantum.source, labelId } };
}

/** What requires the target's post-quantum suite, in the words the reason book uses. */
function postQuantumDemandOf(facts: OrgFacts, target: JoinTarget): PostQuantumDemand | undefined {
  const pq = target.postQuantum;
  if (pq === undefined) return undefined;
  if (pq.source === 'tenant' || pq.labelId === null) return { kind: 'tenant' };
  const label = facts.labels.find((l) => l.id === pq.labelId);
  return { kind: 'label', label: label?.name ?? pq.labelId };
}

/** The audit entry of a blocked join: codes and the client, never keys or message contents. */
export async function auditBlockedJoin(
  ctx: AppContext,
  who: SocketIdentity,
  meetingId: string,
  kind: 'meeting' | 'call' | undefined,
  reasons: readonly BlockReason[],
  client: ClientInfo,
): Promise<void> {
  await ctx.audit.record({
    tenantId: who.tenantId,
    actor: { id: who.user.id, displayName: who.user.displayName },
    kind: 'join.blocked',
    subject: `${kind ?? 'meeting'}:${meetingId}`,
    details: {
      codes: reasons.map((reason) => reason.code),
      reasons: reasons.map((reason) => ({ code: reason.code, message: reason.message })),
      device: who.device.id,
      client: {
        platform: client.platform,
        version: client.version,
        e2eeMedia: client.e2eeMedia,
        ...(client.postQuantum === undefined ? {} : { postQuantum: client.postQuantum }),
      },
    },
  });
}
