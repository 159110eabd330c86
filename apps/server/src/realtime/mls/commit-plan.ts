// What accepting an epoch's commit changes, worked out before anything changes (pure: no I/O, no
// clock): who leaves the group, who joins it on which leaf, which proposals are done, which are
// proposed again next epoch and which joiners are turned away. The delivery service stores the
// plan in one transaction, then applies it in memory and tells everyone.
import type { CommitCheck } from './commit-check.ts';
import type { Member, Proposal } from './group.ts';

export type AcceptedCommit = Extract<CommitCheck, { kind: 'accept' }>;

export interface CommitPlan {
  /** The epoch the commit was for, and the one it starts. */
  readonly epoch: bigint;
  readonly next: bigint;
  readonly covered: readonly Proposal[];
  /** Members the commit's Removes take out. */
  readonly removed: readonly Member[];
  /** Joiners of the commit's Adds, on the leaves the commit gives them, not yet confirmed. */
  readonly joined: readonly Member[];
  /** Adds the members kept leaving out: their joiners are turned away. */
  readonly turnedAway: readonly Proposal[];
  /** Proposals sent this epoch that the commit left out: proposed again for `next`. */
  readonly again: readonly Proposal[];
  /** Proposals that are finished: covered, turned away, or for a joiner who already left. */
  readonly done: readonly Proposal[];
}

export function planCommit(
  epoch: bigint,
  members: ReadonlyMap<string, Member>,
  accepted: AcceptedCommit,
  maxProposalAttempts: number,
): CommitPlan {
  const removed = accepted.covered.flatMap((p) => {
    const member = p.kind === 'remove' ? members.get(p.participantId) : undefined;
    return member === undefined ? [] : [member];
  });
  const joined: Member[] = accepted.added.map(({ proposal, leafIndex }) => ({
    participantId: proposal.participantId,
    userId: proposal.userId,
    deviceId: proposal.deviceId,
    leafIndex,
    confirmed: false,
    grace: undefined,
  }));
  // Uncovered proposals are proposed again in the next epoch, except an Add that has now gone
  // uncommitted too often (the members keep leaving it out): that joiner is turned away.
  const turnedAway = accepted.uncovered.filter(
    (p) => p.kind === 'add' && p.attempts + 1 >= maxProposalAttempts,
  );
  const again = accepted.uncovered.filter(
    (p) => !turnedAway.includes(p) && !(p.kind === 'add' && p.departed),
  );
  const done = [...accepted.covered, ...accepted.uncovered.filter((p) => !again.includes(p))];
  return {
    epoch,
    next: epoch + 1n,
    covered: accepted.covered,
    removed,
    joined,
    turnedAway,
    again,
    done,
  };
}
