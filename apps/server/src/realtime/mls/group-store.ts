// The delivery service's storage, scoped to one meeting: every read and write of its MLS group
// (the group row, members, pending proposals, canonical commits) goes through here, so the
// service never names a tenant or meeting id again and a commit is stored in one transaction.
// State is written before anything is sent: a restarted server never contradicts what a client
// already saw. On a node of a cluster every write is fenced on the meeting's host lease
// (../../cluster/meeting-hosts.ts): a node that lost the meeting while it stalled — and has not yet
// noticed — cannot change, or delete, the group the new host now runs.
import { ServerError } from '../../errors.ts';
import type { JoinTarget } from '../admission.ts';
import type { Store } from '../../storage/store.ts';
import type { StoredMember, StoredProposal } from '../../storage/repos/realtime.ts';
import { toBase64 } from '../bytes.ts';
import type { CommitPlan } from './commit-plan.ts';
import { toStoredMember, toStoredProposal, type Member, type Proposal } from './group.ts';

export interface LoadedGroup {
  readonly groupId: string;
  readonly epoch: number;
  readonly created: boolean;
  readonly members: readonly StoredMember[];
  readonly proposals: readonly StoredProposal[];
}

/** On a node of a cluster: the group may be written only while this node holds the lease. */
export interface HostLease {
  readonly nodeId: string;
  /** A write found the meeting's lease held by another node: the room here lets go of it. */
  lost(tenantId: string, meetingId: string): void;
}

/** A write refused because another node hosts the meeting now. */
export class MeetingMoved extends ServerError {
  constructor() {
    super('CONFLICT', 'This meeting moved to another server; reconnect to join it there.');
    this.name = 'MeetingMoved';
  }
}

export class MeetingGroupStore {
  private readonly tenantId: string;
  private readonly meetingId: string;

  constructor(
    private readonly store: Store,
    target: JoinTarget,
    private readonly lease?: HostLease | undefined,
  ) {
    this.tenantId = target.tenantId;
    this.meetingId = target.meetingId;
  }

  async load(): Promise<LoadedGroup | undefined> {
    const stored = await this.store.realtime.loadGroup(this.tenantId, this.meetingId);
    if (stored === undefined) return undefined;
    return { ...stored.group, members: stored.members, proposals: stored.proposals };
  }

  /** A new group id, not yet created by a member. */
  async found(groupId: Uint8Array, at: number): Promise<void> {
    await this.write((tx) =>
      tx.realtime.createGroup(
        this.tenantId,
        this.meetingId,
        { groupId: toBase64(groupId), epoch: 0, created: false },
        at,
      ),
    );
  }

  /** The creator made the group at epoch 0 and holds leaf 0. */
  async created(creator: Member): Promise<void> {
    await this.write(async (tx) => {
      await tx.realtime.updateGroup(this.tenantId, this.meetingId, { epoch: 0, created: true });
      await tx.realtime.putMember(this.tenantId, this.meetingId, toStoredMember(creator));
    });
  }

  async putProposal(proposal: Proposal): Promise<void> {
    await this.write((tx) =>
      tx.realtime.putProposal(this.tenantId, this.meetingId, toStoredProposal(proposal)),
    );
  }

  async putProposals(proposals: readonly Proposal[]): Promise<void> {
    if (proposals.length === 0) return;
    await this.write(async (tx) => {
      for (const p of proposals)
        await tx.realtime.putProposal(this.tenantId, this.meetingId, toStoredProposal(p));
    });
  }

  async deleteProposal(proposal: Proposal): Promise<void> {
    await this.write((tx) =>
      tx.realtime.deleteProposal(this.tenantId, this.meetingId, proposal.proposalId),
    );
  }

  /**
   * The epoch's canonical commit and everything it changes, in one transaction; commits older
   * than the last `keptCommits` epochs are pruned (a member further behind rejoins afresh).
   */
  async commit(plan: CommitPlan, commit: string, keptCommits: number, at: number): Promise<void> {
    const { tenantId, meetingId } = this;
    await this.write(async (tx) => {
      const covered = plan.covered.flatMap((p) =>
        p.flushed === undefined
          ? []
          : [
              {
                proposalId: p.proposalId,
                kind: p.kind,
                participantId: p.participantId,
                message: toBase64(p.flushed.message),
              },
            ],
      );
      await tx.realtime.addCommit(
        tenantId,
        meetingId,
        { epoch: Number(plan.epoch), message: commit, proposals: covered },
        at,
      );
      await tx.realtime.updateGroup(tenantId, meetingId, {
        epoch: Number(plan.next),
        created: true,
      });
      for (const member of plan.removed)
        await tx.realtime.deleteMember(tenantId, meetingId, member.participantId);
      for (const member of plan.joined)
        await tx.realtime.putMember(tenantId, meetingId, toStoredMember(member));
      for (const p of plan.done)
        await tx.realtime.deleteProposal(tenantId, meetingId, p.proposalId);
      for (const p of plan.again) {
        await tx.realtime.putProposal(
          tenantId,
          meetingId,
          toStoredProposal({ ...p, attempts: p.attempts + 1, flushed: undefined }),
        );
      }
      const oldest = Number(plan.next) - keptCommits;
      if (oldest > 0) await tx.realtime.pruneCommits(tenantId, meetingId, oldest);
    });
  }

  /** The canonical commits of epochs `from` and later, oldest first. */
  commitsFrom(from: bigint) {
    return this.store.realtime.commitsFrom(this.tenantId, this.meetingId, Number(from));
  }

  /** The group is gone (the meeting ended, or everyone left for good). */
  async delete(): Promise<void> {
    await this.write((tx) => tx.realtime.deleteGroup(this.tenantId, this.meetingId));
  }

  /**
   * Runs `work` in one transaction — on a cluster node only if the node still holds the meeting's
   * lease, checked in that transaction; otherwise nothing is written, the room is let go and the
   * caller meets MeetingMoved.
   */
  private async write(work: (tx: Store) => Promise<unknown>): Promise<void> {
    const { lease, tenantId, meetingId } = this;
    const held = await this.store.transaction(async (tx) => {
      if (lease !== undefined && !(await tx.meetingHosts.holds(tenantId, meetingId, lease.nodeId)))
        return false;
      await work(tx);
      return true;
    });
    if (held) return;
    lease?.lost(tenantId, meetingId);
    throw new MeetingMoved();
  }
}
