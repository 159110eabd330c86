// What the server knows of one meeting's MLS group, in memory and in its store, kept in step:
// where the group is in its life (./group-state.ts), its members and their leaves, and the
// server's pending proposals. The delivery service decides; this keeps the record — every change
// is stored before it is made in memory, so a restarted server never contradicts what a client
// already saw.
import { randomBytes, randomUUID } from 'node:crypto';
import {
  proposalReference,
  proposeExternalAdd,
  proposeExternalRemove,
  type ExternalSenderKeyPair,
  type MlsCrypto,
} from '@conclave/crypto/server';
import { ServerError } from '../../errors.ts';
import type { Store } from '../../storage/store.ts';
import type { JoinTarget } from '../admission.ts';
import { passEvery } from '../event-loop.ts';
import { fromBase64 } from '../bytes.ts';
import type { ServerMessage } from '../signaling.ts';
import type { CommitPlan } from './commit-plan.ts';
import {
  fromStoredMember,
  fromStoredProposal,
  newAddProposal,
  newRemoveProposal,
  type Flushed,
  type Member,
  type Proposal,
} from './group.ts';
import { noGroup, type GroupState, type Joiner } from './group-state.ts';
import { MeetingGroupStore, type HostLease } from './group-store.ts';
import type { CheckedKeyPackage } from './key-packages.ts';
import { replayMessages } from './messages.ts';

const GROUP_ID_BYTES = 16;
/** A commit covers at most this many proposals; more wait an epoch. */
const MAX_PROPOSALS_PER_EPOCH = 1000;

/** A proposal signed and sent for the epoch it names. */
export type SentProposal = Proposal & { readonly flushed: Flushed };

export class GroupRecord {
  state: GroupState = noGroup;
  readonly members = new Map<string, Member>();
  proposals: Proposal[] = [];
  private seq = 0;
  private readonly store: MeetingGroupStore;

  constructor(
    store: Store,
    private readonly target: JoinTarget,
    lease: HostLease | undefined,
  ) {
    this.store = new MeetingGroupStore(store, target, lease);
  }

  /** The record as stored (a restart); members come back without a connection. */
  async load(crypto: MlsCrypto): Promise<void> {
    const stored = await this.store.load();
    if (stored === undefined) return;
    const groupId = fromBase64(stored.groupId);
    if (groupId === undefined)
      throw new ServerError('INTERNAL', 'A stored MLS group id is not base64.');
    this.state = stored.created
      ? { kind: 'active', groupId, epoch: BigInt(stored.epoch) }
      : { kind: 'founding', groupId, creator: undefined };
    for (const member of stored.members)
      this.members.set(member.participantId, fromStoredMember(member));
    const refOf = (message: Uint8Array) => proposalReference(crypto, message);
    this.proposals = await Promise.all(stored.proposals.map((p) => fromStoredProposal(p, refOf)));
    this.seq = Math.max(0, ...stored.proposals.map((p) => p.seq)) + 1;
  }

  /** A new group id: the group is being founded; `creator` (if any) is asked to create it. */
  async found(creator: Joiner | undefined, at: number): Promise<void> {
    const groupId = randomBytes(GROUP_ID_BYTES);
    await this.store.found(groupId, at);
    this.state = { kind: 'founding', groupId, creator };
  }

  /** The creator made the group at epoch 0 on leaf 0. */
  async created(creator: Joiner, groupId: Uint8Array): Promise<void> {
    const member: Member = { ...creator, leafIndex: 0, confirmed: true, grace: undefined };
    await this.store.created(member);
    this.state = { kind: 'active', groupId, epoch: 0n };
    this.members.set(creator.participantId, member);
  }

  /** Forgets the group (memory and store). */
  async delete(): Promise<void> {
    await this.store.delete();
    this.members.clear();
    this.proposals = [];
    this.state = noGroup;
  }

  async addProposal(joiner: Joiner, keyPackage: CheckedKeyPackage): Promise<void> {
    await this.keep(newAddProposal(randomUUID(), this.seq++, joiner, keyPackage));
  }

  /** The member's Remove, unless one is pending already. False if it was. */
  async removeProposal(member: Member): Promise<boolean> {
    if (this.pendingRemove(member) !== undefined) return false;
    await this.keep(newRemoveProposal(randomUUID(), this.seq++, member));
    return true;
  }

  /** Keeps a proposal (new, or one carried over into a re-founded group). */
  async keep(proposal: Proposal): Promise<void> {
    await this.store.putProposal(proposal);
    this.proposals.push(proposal);
  }

  async drop(proposal: Proposal): Promise<void> {
    await this.store.deleteProposal(proposal);
    this.proposals = this.proposals.filter((q) => q !== proposal);
  }

  /**
   * Signs every proposal not yet sent in the current epoch (dropping those whose joiner or member
   * is gone) and keeps them as sent; returns them, for the members.
   */
  async signPending(crypto: MlsCrypto, sender: ExternalSenderKeyPair): Promise<SentProposal[]> {
    const state = this.state;
    if (state.kind !== 'active') return [];
    const { epoch } = state;
    const target = { groupId: state.groupId, epoch };
    const devicesWithLeaf = new Set([...this.members.values()].map((m) => m.deviceId));
    const fresh: Proposal[] = [];
    const stale: Proposal[] = [];
    for (const p of this.proposals) {
      if (p.flushed?.epoch === epoch) continue;
      if (p.kind === 'add') {
        if (p.departed) stale.push(p);
        else if (!devicesWithLeaf.has(p.deviceId) && p.keyPackage !== null) fresh.push(p);
      } else if (this.members.has(p.participantId)) fresh.push(p);
      else stale.push(p);
    }
    for (const p of stale) await this.drop(p);
    fresh.splice(Math.max(0, MAX_PROPOSALS_PER_EPOCH - this.sentThisEpoch().length));
    const signed: SentProposal[] = [];
    for (const [step, p] of fresh.entries()) {
      await passEvery(step);
      let message: Uint8Array;
      if (p.kind === 'add' && p.keyPackage !== null) {
        message = await proposeExternalAdd(crypto, sender, target, p.keyPackage);
      } else {
        const leaf = this.members.get(p.participantId)?.leafIndex ?? p.leafIndex ?? 0;
        p.leafIndex = leaf;
        message = await proposeExternalRemove(crypto, sender, target, leaf);
      }
      const flushed = { epoch, message, ref: await proposalReference(crypto, message) };
      p.flushed = flushed;
      signed.push({ ...p, flushed });
    }
    await this.store.putProposals(fresh);
    return signed;
  }

  /** Members for whom `connected` holds and whose Remove is not pending (who may commit). */
  staying(connected: (member: Member) => boolean): Member[] {
    return [...this.members.values()].filter(
      (m) => connected(m) && this.pendingRemove(m) === undefined,
    );
  }

  /**
   * Members away within their grace time, beside the `connected` participants (not counting
   * `exceptDevice`'s own leaf, which a returning device takes back).
   */
  absentMembers(connected: ReadonlySet<string>, exceptDevice: string): number {
    let count = 0;
    for (const member of this.members.values()) {
      if (member.deviceId === exceptDevice || connected.has(member.participantId)) continue;
      if (member.grace !== undefined) count++;
    }
    return count;
  }

  pendingRemove(member: Member): Proposal | undefined {
    return this.proposals.find(
      (p) => p.kind === 'remove' && p.participantId === member.participantId,
    );
  }

  sentThisEpoch(): SentProposal[] {
    const state = this.state;
    if (state.kind !== 'active') return [];
    return this.proposals.filter((p): p is SentProposal => p.flushed?.epoch === state.epoch);
  }

  /**
   * What a member at `from` needs to reach the current epoch — each missed epoch's covered
   * proposals, then its commit — or undefined if it cannot resume from there.
   */
  async missedCommits(member: Member, from: bigint): Promise<ServerMessage[] | undefined> {
    const state = this.state;
    if (state.kind !== 'active' || from > state.epoch || this.pendingRemove(member) !== undefined)
      return undefined;
    if (from === state.epoch) return [];
    const stored = await this.store.commitsFrom(from);
    const needed = Number(state.epoch - from);
    if (stored.length !== needed || stored[0]?.epoch !== Number(from)) return undefined;
    return replayMessages(this.target.meetingId, stored);
  }

  /** The accepted commit: stored in one transaction, then applied in memory. */
  async commit(
    plan: CommitPlan,
    commit: string,
    groupId: Uint8Array,
    keptCommits: number,
    at: number,
  ): Promise<void> {
    await this.store.commit(plan, commit, keptCommits, at);
    this.state = { kind: 'active', groupId, epoch: plan.next };
    for (const member of plan.removed) this.members.delete(member.participantId);
    for (const member of plan.joined) this.members.set(member.participantId, member);
    this.proposals = this.proposals.filter((p) => !plan.done.includes(p));
    for (const p of plan.again) {
      p.attempts += 1;
      p.flushed = undefined;
    }
  }
}
