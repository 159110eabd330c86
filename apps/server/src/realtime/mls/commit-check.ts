// Whether a member's commit can be the canonical commit of the group's current epoch, judged from
// what the server can see: who sent it (only a member the server asked may commit), the commit
// itself — a PublicMessage, whose proposal list the server reads (only its own proposals, by
// reference; never one a member made) — and the Welcome's recipients (KeyPackageRefs). Where each
// joiner lands follows from that list, so the server never takes a member's word for a leaf. The
// members verify the commit's signature and membership tag; the server makes sure it only ever
// hands out one per epoch, and a Welcome only to the joiners the commit's own Welcome names
// (spec/e2ee.md "Who may propose and commit", invariant 9).
import {
  MlsError,
  readPublicCommit,
  readWelcomeRecipients,
  type PublicCommit,
} from '@conclave/crypto/server';
import { fromBase64, parseEpoch, toHex } from '../bytes.ts';
import type { ClientMessageOf } from '../signaling.ts';
import type { Member, Proposal } from './group.ts';

export interface GroupView {
  readonly groupId: Uint8Array;
  readonly epoch: bigint;
  readonly members: ReadonlyMap<string, Member>;
  /** Every pending proposal, flushed or not. */
  readonly proposals: readonly Proposal[];
}

/** What a member did that no member may: it is removed from the group, and it is audited. */
export type CommitViolation =
  /** Committed an epoch the server did not ask it to commit. */
  | 'unrequested-commit'
  /** Carried a proposal of its own making (inline) — a Remove of another member, say. */
  | 'member-proposal'
  /** Referred to a proposal the server did not send for this epoch. */
  | 'foreign-proposal'
  /** Framed the commit as another member's leaf. */
  | 'wrong-sender';

export type CommitCheck =
  | {
      readonly kind: 'accept';
      readonly commit: Uint8Array;
      readonly welcome: Uint8Array | undefined;
      readonly covered: readonly Proposal[];
      /** Each joiner's leaf, as the commit itself places it (RFC 9420 §12.3), not as anyone says. */
      readonly added: readonly { readonly proposal: Proposal; readonly leafIndex: number }[];
      /** Proposals sent for this epoch that the commit left out. */
      readonly uncovered: readonly Proposal[];
    }
  | { readonly kind: 'reject'; readonly reason: 'stale-epoch' | 'future-epoch' }
  | { readonly kind: 'invalid'; readonly message: string }
  | { readonly kind: 'violation'; readonly violation: CommitViolation };

/**
 * `asked`: whether the server asked `author` to commit this epoch (the designated committer, or
 * one it fell back to). `refs` maps the ProposalRef of every proposal sent this epoch to it.
 */
export function checkCommit(
  group: GroupView,
  author: Member,
  message: ClientMessageOf<'commit'>,
  asked: boolean,
  refs: ReadonlyMap<string, Proposal>,
): CommitCheck {
  const epoch = parseEpoch(message.epoch);
  if (epoch === undefined) return invalid('The epoch is out of range.');
  if (epoch < group.epoch) return { kind: 'reject', reason: 'stale-epoch' };
  if (epoch > group.epoch) return { kind: 'reject', reason: 'future-epoch' };

  const commit = fromBase64(message.commit);
  if (commit === undefined) return invalid('The commit is not canonical base64.');
  const content = readCommit(commit);
  if (
    content === undefined ||
    !sameBytes(content.groupId, group.groupId) ||
    content.epoch !== epoch
  ) {
    return invalid('The commit is not an MLS PublicMessage commit of this group and epoch.');
  }
  // A real commit of this epoch from a member nobody asked: an attempt, not noise.
  if (!asked) return { kind: 'violation', violation: 'unrequested-commit' };
  if (content.senderLeaf !== author.leafIndex)
    return { kind: 'violation', violation: 'wrong-sender' };

  const covered: Proposal[] = [];
  for (const entry of content.proposals) {
    if (entry.kind === 'inline') return { kind: 'violation', violation: 'member-proposal' };
    const proposal = refs.get(entry.ref);
    if (proposal === undefined || proposal.flushed?.epoch !== epoch)
      return { kind: 'violation', violation: 'foreign-proposal' };
    if (covered.includes(proposal)) return invalid('A proposal is applied twice.');
    covered.push(proposal);
  }
  if (covered.some((p) => p.kind === 'remove' && p.leafIndex === author.leafIndex)) {
    return invalid('A member cannot commit its own removal.');
  }

  // RFC 9420 §12.3: a commit applies its Removes before its Adds, and each Add, in the commit's
  // order, takes the leftmost blank leaf. So where every joiner lands follows from the commit.
  const adds = covered.filter((p) => p.kind === 'add');
  const removedLeaves = new Set(
    covered.flatMap((p) => (p.kind === 'remove' && p.leafIndex !== null ? [p.leafIndex] : [])),
  );
  const occupied = new Set(
    [...group.members.values()].map((m) => m.leafIndex).filter((leaf) => !removedLeaves.has(leaf)),
  );
  const leaves = leftmostBlankLeaves(occupied, adds.length);
  const added = adds.map((proposal, i) => ({ proposal, leafIndex: leaves[i] ?? -1 }));

  let welcome: Uint8Array | undefined;
  if (adds.length === 0) {
    if (message.welcome !== undefined) return invalid('A Welcome without an Add.');
  } else {
    welcome = message.welcome === undefined ? undefined : fromBase64(message.welcome);
    if (welcome === undefined) return invalid('Adds need a Welcome.');
    const recipients = readRecipients(welcome);
    if (recipients === undefined)
      return invalid('The Welcome is not an MLS Welcome of this suite.');
    const expected = new Set(adds.map((p) => p.keyPackageRef));
    if (recipients.length !== expected.size || !recipients.every((ref) => expected.has(ref))) {
      return invalid('The Welcome is not addressed to exactly the joiners of the covered Adds.');
    }
  }

  const sent = group.proposals.filter((p) => p.flushed?.epoch === epoch);
  return {
    kind: 'accept',
    commit,
    welcome,
    covered,
    added,
    uncovered: sent.filter((p) => !covered.includes(p)),
  };
}

function readCommit(bytes: Uint8Array): PublicCommit | undefined {
  try {
    return readPublicCommit(bytes);
  } catch (error) {
    if (error instanceof MlsError) return undefined;
    throw error;
  }
}

function readRecipients(bytes: Uint8Array): string[] | undefined {
  try {
    return readWelcomeRecipients(bytes).keyPackageRefs.map(toHex);
  } catch (error) {
    if (error instanceof MlsError) return undefined;
    throw error;
  }
}

function leftmostBlankLeaves(occupied: ReadonlySet<number>, count: number): number[] {
  const leaves: number[] = [];
  for (let leaf = 0; leaves.length < count; leaf++) if (!occupied.has(leaf)) leaves.push(leaf);
  return leaves;
}

const invalid = (message: string): CommitCheck => ({ kind: 'invalid', message });

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
