// Whether a member's commit can be the canonical commit of the group's current epoch, judged from
// what the server can see: the commit's public header (group, epoch, content type), the proposal
// ids and joiner leaves the committer reports, and the Welcome's recipients (KeyPackageRefs). The
// members verify the commit itself; the server makes sure it only ever hands out one per epoch, and
// a Welcome only to the joiners the commit's own Welcome names.
import { MlsError, readMessageHeader, readWelcomeRecipients } from '@conclave/crypto/server';
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

export type CommitCheck =
  | {
      readonly kind: 'accept';
      readonly commit: Uint8Array;
      readonly welcome: Uint8Array | undefined;
      readonly covered: readonly Proposal[];
      readonly added: readonly { readonly proposal: Proposal; readonly leafIndex: number }[];
      /** Proposals sent for this epoch that the commit left out. */
      readonly uncovered: readonly Proposal[];
    }
  | { readonly kind: 'reject'; readonly reason: 'stale-epoch' | 'future-epoch' }
  | { readonly kind: 'invalid'; readonly message: string };

export function checkCommit(
  group: GroupView,
  author: Member,
  message: ClientMessageOf<'commit'>,
): CommitCheck {
  const epoch = parseEpoch(message.epoch);
  if (epoch === undefined) return invalid('The epoch is out of range.');
  if (epoch < group.epoch) return { kind: 'reject', reason: 'stale-epoch' };
  if (epoch > group.epoch) return { kind: 'reject', reason: 'future-epoch' };

  const commit = fromBase64(message.commit);
  if (commit === undefined) return invalid('The commit is not canonical base64.');
  const header = readHeader(commit);
  if (
    header === undefined ||
    (header.wireFormat !== 'public_message' && header.wireFormat !== 'private_message') ||
    header.contentType !== 'commit' ||
    !sameBytes(header.groupId, group.groupId) ||
    header.epoch !== epoch
  ) {
    return invalid('The commit is not an MLS commit of this group and epoch.');
  }
  if (
    header.wireFormat === 'public_message' &&
    (header.sender.kind !== 'member' || header.sender.leafIndex !== author.leafIndex)
  ) {
    return invalid('The commit is not signed by its author’s leaf.');
  }

  const sent = group.proposals.filter((p) => p.flushed?.epoch === epoch);
  const byId = new Map(sent.map((p) => [p.proposalId, p]));
  if (new Set(message.proposals).size !== message.proposals.length) {
    return invalid('A proposal is listed twice.');
  }
  const covered: Proposal[] = [];
  for (const id of message.proposals) {
    const proposal = byId.get(id);
    if (proposal === undefined) return invalid('The commit lists a proposal of another epoch.');
    covered.push(proposal);
  }
  if (covered.some((p) => p.kind === 'remove' && p.leafIndex === author.leafIndex)) {
    return invalid('A member cannot commit its own removal.');
  }

  const adds = covered.filter((p) => p.kind === 'add');
  const addsByJoiner = new Map(adds.map((p) => [p.participantId, p]));
  if (message.added.length !== adds.length) {
    return invalid('`added` must name exactly the joiners of the covered Add proposals.');
  }
  const removedLeaves = new Set(
    covered.flatMap((p) => (p.kind === 'remove' && p.leafIndex !== null ? [p.leafIndex] : [])),
  );
  const occupied = new Set(
    [...group.members.values()].map((m) => m.leafIndex).filter((leaf) => !removedLeaves.has(leaf)),
  );
  // RFC 9420 §12.3: a commit applies its Removes before its Adds, and each Add takes the leftmost
  // blank leaf. So the leaves the joiners get are known; only their order is the committer's.
  const expectedLeaves = leftmostBlankLeaves(occupied, adds.length);
  const added: { proposal: Proposal; leafIndex: number }[] = [];
  for (const entry of message.added) {
    const proposal = addsByJoiner.get(entry.participantId);
    if (proposal === undefined) {
      return invalid('`added` names a participant no covered Add proposal is for.');
    }
    if (!expectedLeaves.delete(entry.leafIndex)) {
      return invalid('`added` puts a joiner on a leaf the commit cannot give it.');
    }
    addsByJoiner.delete(entry.participantId);
    added.push({ proposal, leafIndex: entry.leafIndex });
  }

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

  const coveredIds = new Set(message.proposals);
  return {
    kind: 'accept',
    commit,
    welcome,
    covered,
    added,
    uncovered: sent.filter((p) => !coveredIds.has(p.proposalId)),
  };
}

function readHeader(bytes: Uint8Array): ReturnType<typeof readMessageHeader> | undefined {
  try {
    return readMessageHeader(bytes);
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

function leftmostBlankLeaves(occupied: ReadonlySet<number>, count: number): Set<number> {
  const leaves = new Set<number>();
  for (let leaf = 0; leaves.size < count; leaf++) if (!occupied.has(leaf)) leaves.add(leaf);
  return leaves;
}

const invalid = (message: string): CommitCheck => ({ kind: 'invalid', message });

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
