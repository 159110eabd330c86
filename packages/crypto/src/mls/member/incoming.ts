// Processing one handshake or application message from the delivery service. Protocol outcomes
// (accepted, refused, stale, future) are typed results; only bytes that are not an MLS message
// at all throw (MlsError 'malformed' / 'wrong_kind').
import {
  decodeMlsMessage,
  emptyPskIndex,
  processMessage,
  type IncomingMessageCallback,
} from 'ts-mls';
import type { ClientState, MLSMessage } from 'ts-mls';
import { MlsError, guardSync } from '../public/errors.ts';
import { bytesEqual } from '../public/bytes.ts';
import { readMessageHeader } from '../public/headers.ts';
import { SERVER_SENDER_INDEX } from '../public/proposals.ts';
import type { MeetingContext } from './context.ts';
import { AuthLog, type AuthEvent } from './auth.ts';
import {
  allowedByPolicy,
  ConflictIndex,
  summarize,
  validateProposal,
  type ProposalRejection,
  type ProposalSummary,
} from './policy.ts';
import { rosterChanges, type RosterEntry } from './roster.ts';
import { clientConfig, unwrap, withConfig, wrap, type MeetingState } from './state.ts';

export type IncomingResult =
  /** A proposal now pending; it takes effect when a member commits it. */
  | {
      readonly kind: 'proposal_pending';
      readonly state: MeetingState;
      readonly proposal: ProposalSummary | undefined;
      readonly events: AuthEvent[];
    }
  /** A commit moved the group to a new epoch: set the key ring to the new exporter output now. */
  | {
      readonly kind: 'commit_applied';
      readonly state: MeetingState;
      readonly epoch: bigint;
      readonly added: RosterEntry[];
      readonly removed: RosterEntry[];
      readonly events: AuthEvent[];
    }
  /** A commit removed this member: stop sending, delete keys after the retention time. */
  | { readonly kind: 'removed'; readonly state: MeetingState; readonly events: AuthEvent[] }
  | { readonly kind: 'application'; readonly state: MeetingState; readonly data: Uint8Array }
  /** Refused; the state is unchanged. A refused commit means this member should re-sync. */
  | {
      readonly kind: 'rejected';
      readonly state: MeetingState;
      readonly contentType: 'proposal' | 'commit' | 'application';
      readonly reason: ProposalRejection | 'invalid';
      readonly events: AuthEvent[];
    }
  /** For an epoch this member already left behind: replayed or lost the race. Nothing changes. */
  | {
      readonly kind: 'stale_epoch';
      readonly state: MeetingState;
      readonly messageEpoch: bigint;
      readonly currentEpoch: bigint;
    }
  /** For an epoch ahead of this member: it missed a commit and must re-sync (rejoin). */
  | {
      readonly kind: 'future_epoch';
      readonly state: MeetingState;
      readonly messageEpoch: bigint;
      readonly currentEpoch: bigint;
    }
  | { readonly kind: 'wrong_group'; readonly state: MeetingState };

export async function receiveMessage(
  ctx: MeetingContext,
  state: MeetingState,
  bytes: Uint8Array,
): Promise<IncomingResult> {
  const header = readMessageHeader(bytes);
  if (header.wireFormat !== 'public_message' && header.wireFormat !== 'private_message')
    throw new MlsError('wrong_kind');
  const client = unwrap(state);
  if (!bytesEqual(header.groupId, client.groupContext.groupId))
    return { kind: 'wrong_group', state };
  if (state.kind !== 'active') throw new MlsError('not_active');
  const currentEpoch = client.groupContext.epoch;
  if (header.epoch > currentEpoch)
    return { kind: 'future_epoch', state, messageEpoch: header.epoch, currentEpoch };
  // Application messages of recent epochs are still readable (chat in flight); handshake ones are not.
  if (
    header.epoch < currentEpoch &&
    !(header.wireFormat === 'private_message' && header.contentType === 'application')
  ) {
    return { kind: 'stale_epoch', state, messageEpoch: header.epoch, currentEpoch };
  }
  if (header.wireFormat === 'public_message') {
    const sender = header.sender;
    const fromServer = sender.kind === 'external' && sender.senderIndex === SERVER_SENDER_INDEX;
    if (!fromServer && sender.kind !== 'member') {
      return {
        kind: 'rejected',
        state,
        contentType: header.contentType,
        reason: 'policy',
        events: [],
      };
    }
  }
  const message = decodeMessage(bytes);
  if (message.wireformat !== 'mls_public_message' && message.wireformat !== 'mls_private_message')
    throw new MlsError('wrong_kind');

  const log = new AuthLog();
  let refusedByPolicy = false;
  const callback: IncomingMessageCallback = (incoming) => {
    const proposals = incoming.kind === 'commit' ? incoming.proposals : [incoming.proposal];
    const ok = proposals.every(allowedByPolicy);
    if (!ok) refusedByPolicy = true;
    return ok ? 'accept' : 'reject';
  };

  let result;
  try {
    result = await processMessage(
      message,
      withConfig(client, clientConfig(ctx, log)),
      emptyPskIndex,
      callback,
      ctx.crypto.impl,
    );
  } catch {
    // The library's errors are free text; the reason is what our own checks saw.
    return {
      kind: 'rejected',
      state,
      contentType: header.contentType,
      reason: log.anyRejected ? 'not_authenticated' : 'invalid',
      events: log.list(),
    };
  }
  const next = result.newState;
  if (result.kind === 'applicationMessage') {
    return { kind: 'application', state: wrap(state.crypto, next), data: result.message };
  }
  if (result.actionTaken === 'reject') {
    return {
      kind: 'rejected',
      state,
      contentType: header.contentType,
      reason: refusedByPolicy ? 'policy' : 'invalid',
      events: log.list(),
    };
  }
  if (header.contentType === 'proposal') return admitProposal(ctx, state, client, next, log);

  const nextState = wrap(state.crypto, next);
  if (nextState.kind === 'removed')
    return { kind: 'removed', state: nextState, events: log.list() };
  const changes = rosterChanges(client, next);
  return {
    kind: 'commit_applied',
    state: nextState,
    epoch: next.groupContext.epoch,
    ...changes,
    events: log.list(),
  };
}

/** The library accepted the proposal into its pending set; keep it only if it passes our checks. */
async function admitProposal(
  ctx: MeetingContext,
  state: MeetingState,
  before: ClientState,
  after: ClientState,
  log: AuthLog,
): Promise<IncomingResult> {
  const added = Object.keys(after.unappliedProposals).filter(
    (ref) => !(ref in before.unappliedProposals),
  );
  const ref = added[0];
  const candidate = ref === undefined ? undefined : after.unappliedProposals[ref];
  if (candidate === undefined || added.length !== 1) {
    // Already pending (a replay): nothing new to admit.
    return { kind: 'proposal_pending', state, proposal: undefined, events: log.list() };
  }
  const rejection = await validateProposal(
    ctx,
    before,
    candidate,
    ConflictIndex.ofPending(before),
    log,
  );
  if (rejection !== undefined) {
    return {
      kind: 'rejected',
      state,
      contentType: 'proposal',
      reason: rejection,
      events: log.list(),
    };
  }
  return {
    kind: 'proposal_pending',
    state: wrap(state.crypto, after),
    proposal: summarize(candidate.proposal),
    events: log.list(),
  };
}

export function decodeMessage(bytes: Uint8Array): MLSMessage {
  const decoded = guardSync('malformed', () => decodeMlsMessage(bytes, 0));
  if (decoded === undefined || decoded[1] !== bytes.length) throw new MlsError('malformed');
  return decoded[0];
}
