// What a commit says, read from public data: meeting commits travel as MLS PublicMessages
// (RFC 9420 §6.2), so the delivery service can see which proposals a commit applies — by
// reference or inline — and in which order, without any group secret. The members verify the
// commit's signature and membership tag; the server uses this to refuse a commit that applies
// anything but its own proposals, and to learn where each joiner lands in the tree from the same
// bytes every member processes (never from a member's claim).
import { decodePublicMessage, type PublicMessage } from 'ts-mls/publicMessage.js';
import { makeProposalRef } from 'ts-mls/authenticatedContent.js';
import type { MlsCrypto } from './crypto.ts';
import { MlsError, guard, guardSync } from './errors.ts';
import { bytesEqual, toHex } from './bytes.ts';

export type CommittedProposal =
  /** A proposal sent earlier, named by its ProposalRef (RFC 9420 §5.2), hex. */
  | { readonly kind: 'reference'; readonly ref: string }
  /** A proposal carried inside the commit itself, made by the committer. */
  | { readonly kind: 'inline'; readonly proposalType: string };

export interface PublicCommit {
  readonly groupId: Uint8Array;
  readonly epoch: bigint;
  /** The committer's leaf, as the signed framing names it. */
  readonly senderLeaf: number;
  /** In the commit's order, which is the order its Adds take the tree's blank leaves. */
  readonly proposals: readonly CommittedProposal[];
  readonly hasPath: boolean;
}

/**
 * Throws MlsError: 'malformed' for bytes that are not one MLS message, 'wrong_kind' for anything
 * but a PublicMessage commit by a member.
 */
export function readPublicCommit(bytes: Uint8Array): PublicCommit {
  const { content } = decodePublic(bytes);
  if (content.contentType !== 'commit' || content.sender.senderType !== 'member')
    throw new MlsError('wrong_kind');
  return {
    groupId: content.groupId,
    epoch: content.epoch,
    senderLeaf: content.sender.leafIndex,
    proposals: content.commit.proposals.map((p) =>
      p.proposalOrRefType === 'reference'
        ? { kind: 'reference', ref: toHex(p.reference) }
        : { kind: 'inline', proposalType: String(p.proposal.proposalType) },
    ),
    hasPath: content.commit.path !== undefined,
  };
}

/**
 * The ProposalRef members compute for a proposal sent as a PublicMessage (the server's external
 * proposals): RefHash("MLS 1.0 Proposal Reference", AuthenticatedContent), hex.
 */
export async function proposalReference(crypto: MlsCrypto, message: Uint8Array): Promise<string> {
  const { content, auth } = decodePublic(message);
  if (content.contentType !== 'proposal') throw new MlsError('wrong_kind');
  const ref = await guard('protocol', () =>
    makeProposalRef({ wireformat: 'mls_public_message', content, auth }, crypto.impl.hash),
  );
  return toHex(ref);
}

const PUBLIC_MESSAGE_HEADER = Uint8Array.of(0x00, 0x01, 0x00, 0x01); // mls10, mls_public_message

/** One whole MLSMessage that is a PublicMessage (the library's codec, none of its group logic). */
function decodePublic(bytes: Uint8Array): PublicMessage {
  if (!(bytes instanceof Uint8Array) || bytes.length < PUBLIC_MESSAGE_HEADER.length)
    throw new MlsError('malformed');
  if (!bytesEqual(bytes.subarray(0, PUBLIC_MESSAGE_HEADER.length), PUBLIC_MESSAGE_HEADER))
    throw new MlsError('wrong_kind');
  const decoded = guardSync('malformed', () =>
    decodePublicMessage(bytes, PUBLIC_MESSAGE_HEADER.length),
  );
  if (decoded === undefined || PUBLIC_MESSAGE_HEADER.length + decoded[1] !== bytes.length)
    throw new MlsError('malformed');
  return decoded[0];
}
