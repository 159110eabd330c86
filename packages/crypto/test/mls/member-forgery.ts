// A lying member's tools for tests: a commit that carries proposals of its own making (inline, by
// value), and a standalone proposal signed by a member, built with the library directly so that
// only the receivers' policy can refuse them.
import { createCommit, encodeMlsMessage, type Proposal } from 'ts-mls';
import { createProposal } from 'ts-mls/createMessage.js';
import { unwrap } from '../../src/mls/member/state.ts';
import type { MeetingContext, MeetingState } from '../../src/member.ts';

/** Any member a test holds: its context and current state. */
export interface ForgingMember {
  readonly name: string;
  readonly ctx: MeetingContext;
  readonly state: MeetingState | undefined;
}

/** A commit by `member` applying `proposals` inline, as a PublicMessage like honest commits. */
export async function commitWithInlineProposals(
  member: ForgingMember,
  proposals: Proposal[],
): Promise<Uint8Array> {
  if (member.state === undefined) throw new Error(`${member.name} has no state`);
  const result = await createCommit(
    { state: unwrap(member.state), cipherSuite: member.ctx.crypto.impl },
    { extraProposals: proposals, wireAsPublicMessage: true },
  );
  return encodeMlsMessage(result.commit);
}

/** A standalone proposal signed by `member` (members may propose only their own Update). */
export async function proposalByMember(
  member: ForgingMember,
  proposal: Proposal,
): Promise<Uint8Array> {
  if (member.state === undefined) throw new Error(`${member.name} has no state`);
  const result = await createProposal(unwrap(member.state), true, proposal, member.ctx.crypto.impl);
  return encodeMlsMessage(result.message);
}
