// The delivery service's view of one MLS group: what it knows without being a member. Members are
// identified by participant id and located by leaf index — learnt from the accepted commits
// themselves (./commit-check.ts), never from what a member says; pending proposals are the
// server's own Add/Remove proposals, each signed for the epoch it was last sent in.
import { fromBase64, toBase64 } from '../bytes.ts';
import type { TimerHandle } from '../clock.ts';
import type { StoredMember, StoredProposal } from '../../storage/repos/realtime.ts';
import type { Joiner } from './group-state.ts';

export interface Member {
  readonly participantId: string;
  readonly userId: string;
  readonly deviceId: string;
  leafIndex: number;
  /** Reported an epoch itself (epoch-reached, group-created) or resumed: known to be in the group. */
  confirmed: boolean;
  /** Running while the member's socket is gone: when it fires, the member is removed. */
  grace: TimerHandle | undefined;
}

export interface Proposal {
  readonly proposalId: string;
  readonly seq: number;
  readonly kind: 'add' | 'remove';
  /** add: the joiner; remove: the member leaving. */
  readonly participantId: string;
  readonly userId: string;
  readonly deviceId: string;
  /** remove: the member's leaf, refreshed each time it is signed. */
  leafIndex: number | null;
  readonly keyPackage: Uint8Array | null;
  readonly keyPackageRef: string | null;
  /**
   * The epoch it was signed for and sent to the members in, with the bytes sent and their
   * ProposalRef (how a commit names it).
   */
  flushed: Flushed | undefined;
  attempts: number;
  /** add: the joiner is gone (left, turned away). Never proposed again; if a commit adds them anyway, they are removed. */
  departed: boolean;
}

export interface Flushed {
  readonly epoch: bigint;
  readonly message: Uint8Array;
  readonly ref: string;
}

export function newAddProposal(
  proposalId: string,
  seq: number,
  joiner: { readonly participantId: string; readonly userId: string; readonly deviceId: string },
  keyPackage: { readonly bytes: Uint8Array; readonly ref: string },
): Proposal {
  return {
    proposalId,
    seq,
    kind: 'add',
    participantId: joiner.participantId,
    userId: joiner.userId,
    deviceId: joiner.deviceId,
    leafIndex: null,
    keyPackage: keyPackage.bytes,
    keyPackageRef: keyPackage.ref,
    flushed: undefined,
    attempts: 0,
    departed: false,
  };
}

export function newRemoveProposal(proposalId: string, seq: number, member: Member): Proposal {
  return {
    proposalId,
    seq,
    kind: 'remove',
    participantId: member.participantId,
    userId: member.userId,
    deviceId: member.deviceId,
    leafIndex: member.leafIndex,
    keyPackage: null,
    keyPackageRef: null,
    flushed: undefined,
    attempts: 0,
    departed: false,
  };
}

export function toStoredMember(member: Member): StoredMember {
  return {
    participantId: member.participantId,
    userId: member.userId,
    deviceId: member.deviceId,
    leafIndex: member.leafIndex,
  };
}

export function fromStoredMember(stored: StoredMember): Member {
  return { ...stored, confirmed: false, grace: undefined };
}

export function toStoredProposal(p: Proposal): StoredProposal {
  return {
    proposalId: p.proposalId,
    seq: p.seq,
    kind: p.kind,
    participantId: p.participantId,
    userId: p.userId,
    deviceId: p.deviceId,
    leafIndex: p.leafIndex,
    keyPackage: p.keyPackage === null ? null : toBase64(p.keyPackage),
    keyPackageRef: p.keyPackageRef,
    flushedEpoch: p.flushed === undefined ? null : Number(p.flushed.epoch),
    message: p.flushed === undefined ? null : toBase64(p.flushed.message),
    attempts: p.attempts,
  };
}

/**
 * After a restart no joiner is connected any more: every stored Add is a departed joiner's.
 * `refOf` gives a sent proposal's ProposalRef back (it is not stored: it follows from the bytes).
 */
export async function fromStoredProposal(
  stored: StoredProposal,
  refOf: (message: Uint8Array) => Promise<string>,
): Promise<Proposal> {
  const message = stored.message === null ? undefined : fromBase64(stored.message);
  return {
    proposalId: stored.proposalId,
    seq: stored.seq,
    kind: stored.kind,
    participantId: stored.participantId,
    userId: stored.userId,
    deviceId: stored.deviceId,
    leafIndex: stored.leafIndex,
    keyPackage: stored.keyPackage === null ? null : (fromBase64(stored.keyPackage) ?? null),
    keyPackageRef: stored.keyPackageRef,
    flushed:
      stored.flushedEpoch === null || message === undefined
        ? undefined
        : { epoch: BigInt(stored.flushedEpoch), message, ref: await refOf(message) },
    attempts: stored.attempts,
    departed: stored.kind === 'add',
  };
}

/** Who an Add proposal brings in. */
export function joinerOf(add: Proposal): Joiner {
  return { participantId: add.participantId, userId: add.userId, deviceId: add.deviceId };
}

/** Whom the Adds among `proposals` would add. */
export function joinersOf(proposals: readonly Proposal[]): string[] {
  return proposals.flatMap((p) => (p.kind === 'add' ? [p.participantId] : []));
}
