// The MLS delivery service of one E2EE meeting or call (docs/meeting-flow.md). The server is the
// group's external sender, never a member: it proposes Add (for participants it admitted) and
// Remove (for those who left, were removed or timed out), asks ONE member to commit each batch,
// keeps the first valid commit of every epoch as canonical, fans its bytes out, and routes the
// Welcome to the joiners it names. Work per membership change is one commit and O(members)
// messages, never a commit per member.
//
// Every method runs inside the room's serial queue; timers re-enter through `host.enqueue`. State
// is written to the database before anything is sent, so a restarted server never contradicts
// what a client already saw.
import { randomBytes, randomUUID } from 'node:crypto';
import {
  MEETING_SUITE_ID,
  MlsError,
  encodeServerIdentity,
  proposeExternalAdd,
  proposeExternalRemove,
  proposalReference,
  readMessageHeader,
  type ExternalSenderKeyPair,
  type MessageHeader,
  type MlsCrypto,
} from '@conclave/crypto/server';
import type { Logger } from '../../log.ts';
import type { Store } from '../../storage/store.ts';
import { refusedByMembers, type BlockReason, type JoinTarget } from '../admission.ts';
import { epochText, fromBase64, parseEpoch, toBase64 } from '../bytes.ts';
import type { ResolvedRealtimeOptions } from '../options.ts';
import type {
  ClientMessageOf,
  ServerMessage,
  ServerMessageOf,
  SignalingErrorCode,
} from '../signaling.ts';
import { checkCommit, sameBytes, type CommitViolation } from './commit-check.ts';
import { CommitRequests } from './commit-requests.ts';
import {
  fromStoredMember,
  fromStoredProposal,
  newAddProposal,
  newRemoveProposal,
  toStoredMember,
  toStoredProposal,
  type Member,
  type Proposal,
} from './group.ts';
import type { CheckedKeyPackage } from './key-packages.ts';
import { useKeyPackage } from './key-packages.ts';

const GROUP_ID_BYTES = 16;
/** A commit reports at most this many proposals (the signaling schema's bound); more wait an epoch. */
const MAX_PROPOSALS_PER_EPOCH = 1000;

export type MlsJoinInfo = NonNullable<ServerMessageOf<'joined'>['mls']>;

/** What the delivery service needs from the room that owns it. */
export interface DeliveryHost {
  /** Sends to a participant's socket; nothing if it is not connected. */
  send(participantId: string, message: ServerMessage): void;
  isConnected(participantId: string): boolean;
  /** Runs `task` in the room's queue (how timers get back in). */
  enqueue(task: () => Promise<void> | void): void;
  /** The members refused this joiner (or the group cannot take it): the room turns it away. */
  turnAway(participantId: string, reasons: BlockReason[]): void;
  /** Sends `joined` again: the group was re-founded and this participant's role changed. */
  reannounce(participantId: string, mls: MlsJoinInfo): void;
  /** The first participant created the group (for the audit log). */
  groupCreated(participantId: string): Promise<void>;
  /**
   * A member did what no member may: the room takes it out now, tells it why and audits it (its
   * MLS Remove follows from the delivery service).
   */
  expel(participantId: string, violation: CommitViolation): Promise<void>;
}

export interface DeliveryDeps {
  readonly crypto: MlsCrypto;
  readonly store: Store;
  readonly sender: ExternalSenderKeyPair;
  readonly options: ResolvedRealtimeOptions;
  readonly now: () => number;
  readonly host: DeliveryHost;
  /** Operator log: epochs, counts and reasons only — never identities or MLS bytes. */
  readonly log: Logger;
}

export interface Joiner {
  /** A fresh id for this participant; a resuming member keeps its own instead. */
  readonly participantId: string;
  readonly userId: string;
  readonly deviceId: string;
}

export interface JoinRequest {
  readonly keyPackage: CheckedKeyPackage | undefined;
  readonly resumeEpoch: bigint | undefined;
}

export type JoinOutcome =
  | { readonly kind: 'joined'; readonly participantId: string }
  | { readonly kind: 'error'; readonly code: SignalingErrorCode; readonly message: string };

/** How a participant stopped being connected, as far as the group is concerned. */
export type Departure =
  'left' | 'removed' | 'timed-out' | 'commit-failed' | 'disconnected' | 'replaced';

export class DeliveryService {
  private groupId: Uint8Array = new Uint8Array(0);
  private epoch = 0n;
  /** A group row exists (possibly not yet created by its first member). */
  private exists = false;
  private created = false;
  /** The participant asked to create the group, until it reports `group-created`. */
  private creator: Joiner | undefined;
  private readonly members = new Map<string, Member>();
  private proposals: Proposal[] = [];
  private seq = 0;
  private readonly requests: CommitRequests;
  private batchTimer: ReturnType<typeof setTimeout> | undefined;
  /** When the first proposal of the batch being gathered arrived. */
  private batchStartedAt: number | undefined;
  private updateTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  private constructor(
    private readonly target: JoinTarget,
    private readonly deps: DeliveryDeps,
  ) {
    this.requests = new CommitRequests({
      meetingId: target.meetingId,
      timeoutMs: deps.options.commitTimeoutMs,
      timeoutPerProposalMs: deps.options.commitTimeoutPerProposalMs,
      send: (participantId, message) => deps.host.send(participantId, message),
      enqueue: (task) => deps.host.enqueue(task),
      candidates: () =>
        [...this.members.values()].filter(
          (m) => deps.host.isConnected(m.participantId) && this.pendingRemove(m) === undefined,
        ),
      timedOut: (epoch) =>
        deps.log.info('mls committer timed out', {
          meeting: target.meetingId,
          epoch: Number(epoch),
        }),
    });
  }

  /** The service for `target`, resumed from the database if the group exists there. */
  static async open(target: JoinTarget, deps: DeliveryDeps): Promise<DeliveryService> {
    const service = new DeliveryService(target, deps);
    const stored = await deps.store.realtime.loadGroup(target.tenantId, target.meetingId);
    if (stored !== undefined) {
      const groupId = fromBase64(stored.group.groupId);
      if (groupId === undefined) throw new Error('stored group id is not base64');
      service.groupId = groupId;
      service.epoch = BigInt(stored.group.epoch);
      service.exists = true;
      service.created = stored.group.created;
      for (const member of stored.members) {
        const restored = fromStoredMember(member);
        service.members.set(member.participantId, restored);
        // Nobody is connected after a restart: each member has the grace time to resume.
        service.startGrace(restored);
      }
      const refOf = (message: Uint8Array) => proposalReference(deps.crypto, message);
      service.proposals = await Promise.all(
        stored.proposals.map((p) => fromStoredProposal(p, refOf)),
      );
      service.seq = Math.max(0, ...stored.proposals.map((p) => p.seq)) + 1;
      if (service.created) service.resetUpdateTimer();
    }
    return service;
  }

  /**
   * Participants the meeting holds besides the connected ones: members away within their grace
   * time (not counting `exceptDevice`'s own leaf, which a returning device takes back).
   */
  absentMembers(connected: ReadonlySet<string>, exceptDevice: string): number {
    let count = 0;
    for (const member of this.members.values()) {
      if (member.deviceId === exceptDevice || connected.has(member.participantId)) continue;
      if (member.grace !== undefined) count++;
    }
    return count;
  }

  /** Admits a participant to the group: resume, create, or an Add proposal. */
  async join(
    joiner: Joiner,
    request: JoinRequest,
    attach: (participantId: string, mls: MlsJoinInfo) => void,
  ): Promise<JoinOutcome> {
    if (!this.exists) await this.found();
    const existing = [...this.members.values()].find((m) => m.deviceId === joiner.deviceId);

    if (request.resumeEpoch !== undefined && existing !== undefined) {
      const missed = await this.missedCommits(existing, request.resumeEpoch);
      if (missed !== undefined) {
        this.stopGrace(existing);
        existing.confirmed = true;
        attach(existing.participantId, this.info('resume'));
        for (const commit of missed) this.deps.host.send(existing.participantId, commit);
        for (const p of this.sentThisEpoch())
          this.deps.host.send(existing.participantId, this.proposalMessage(p));
        this.afterMemberConnected();
        return { kind: 'joined', participantId: existing.participantId };
      }
    }

    if (!this.created && this.creator === undefined) {
      this.creator = joiner;
      attach(joiner.participantId, this.info('create-group'));
      return { kind: 'joined', participantId: joiner.participantId };
    }

    if (request.keyPackage === undefined) {
      return {
        kind: 'error',
        code: 'key_package_required',
        message:
          request.resumeEpoch === undefined
            ? 'Joining an end-to-end encrypted meeting needs a KeyPackage.'
            : 'This group state cannot be resumed; join again with a fresh KeyPackage.',
      };
    }
    if (
      !(await useKeyPackage(
        this.deps.store,
        this.target.tenantId,
        request.keyPackage,
        this.deps.now(),
      ))
    ) {
      return {
        kind: 'error',
        code: 'key_package_reused',
        message: 'This KeyPackage was used before; send a fresh one.',
      };
    }
    // The device's old leaf goes first: a device holds one leaf, so its Add waits for the Remove.
    if (existing !== undefined) await this.queueRemove(existing);
    const add = newAddProposal(randomUUID(), this.seq++, joiner, request.keyPackage);
    await this.deps.store.realtime.putProposal(
      this.target.tenantId,
      this.target.meetingId,
      toStoredProposal(add),
    );
    this.proposals.push(add);
    attach(joiner.participantId, this.info('await-welcome'));
    this.scheduleFlush();
    return { kind: 'joined', participantId: joiner.participantId };
  }

  /** A participant is no longer connected to the meeting. */
  async depart(participantId: string, how: Departure): Promise<void> {
    if (participantId === this.creator?.participantId) {
      this.creator = undefined;
      await this.promoteCreator();
      return;
    }
    const member = this.members.get(participantId);
    if (member !== undefined) {
      this.deps.log.info('mls member departed', { meeting: this.target.meetingId, how });
      if (how === 'disconnected' || how === 'replaced') this.startGrace(member);
      else await this.queueRemove(member);
      if (this.requests.committer === participantId) this.requests.next();
      await this.refoundIfAbandoned();
      return;
    }
    for (const p of this.proposals.filter(
      (q) => q.kind === 'add' && q.participantId === participantId,
    )) {
      if (p.flushed?.epoch === this.epoch) {
        // The members hold it for this epoch: a commit may still add them; then they are removed.
        p.departed = true;
      } else {
        await this.dropProposal(p);
      }
    }
  }

  async groupCreated(
    participantId: string,
    message: ClientMessageOf<'group-created'>,
  ): Promise<SignalingErrorCode | undefined> {
    const groupId = fromBase64(message.groupId);
    const creator = this.creator;
    if (
      participantId !== creator?.participantId ||
      this.created ||
      groupId === undefined ||
      !sameBytes(groupId, this.groupId)
    ) {
      return 'bad_mls_message';
    }
    const member: Member = { ...creator, leafIndex: 0, confirmed: true, grace: undefined };
    await this.deps.store.transaction(async (tx) => {
      await tx.realtime.updateGroup(this.target.tenantId, this.target.meetingId, {
        epoch: 0,
        created: true,
      });
      await tx.realtime.putMember(
        this.target.tenantId,
        this.target.meetingId,
        toStoredMember(member),
      );
    });
    this.created = true;
    this.epoch = 0n;
    this.creator = undefined;
    this.members.set(participantId, member);
    await this.deps.host.groupCreated(participantId);
    this.resetUpdateTimer();
    await this.flush();
    return undefined;
  }

  /** The first valid commit of the current epoch wins; any other gets a typed rejection. */
  async commit(
    participantId: string,
    message: ClientMessageOf<'commit'>,
  ): Promise<SignalingErrorCode | undefined> {
    const author = this.members.get(participantId);
    if (author === undefined || !this.created) {
      this.sendRejection(participantId, message.epoch, 'not-member');
      return undefined;
    }
    const refs = new Map(
      this.sentThisEpoch().flatMap((p) => (p.flushed === undefined ? [] : [[p.flushed.ref, p]])),
    );
    const check = checkCommit(
      {
        groupId: this.groupId,
        epoch: this.epoch,
        members: this.members,
        proposals: this.proposals,
      },
      author,
      message,
      this.requests.asked(participantId, this.epoch),
      refs,
    );
    if (check.kind === 'violation') {
      await this.expel(author, check.violation);
      return undefined;
    }
    if (check.kind === 'reject') {
      // A losing commit's Welcome is dropped here: it is never stored or sent.
      this.sendRejection(participantId, message.epoch, check.reason);
      return undefined;
    }
    if (check.kind === 'invalid') return 'bad_commit';

    const epoch = this.epoch;
    const next = epoch + 1n;
    const removed = check.covered.flatMap((p) => {
      const member = p.kind === 'remove' ? this.members.get(p.participantId) : undefined;
      return member === undefined ? [] : [member];
    });
    const newMembers: Member[] = check.added.map(({ proposal, leafIndex }) => ({
      participantId: proposal.participantId,
      userId: proposal.userId,
      deviceId: proposal.deviceId,
      leafIndex,
      confirmed: false,
      grace: undefined,
    }));
    // Uncovered proposals are proposed again in the next epoch, except an Add that has now gone
    // uncommitted too often (the members keep leaving it out): that joiner is turned away.
    const turnedAway = check.uncovered.filter(
      (p) => p.kind === 'add' && p.attempts + 1 >= this.deps.options.maxProposalAttempts,
    );
    const keep = check.uncovered.filter(
      (p) => !turnedAway.includes(p) && !(p.kind === 'add' && p.departed),
    );
    const dropped = [...check.covered, ...check.uncovered.filter((p) => !keep.includes(p))];

    const { tenantId, meetingId } = this.target;
    await this.deps.store.transaction(async (tx) => {
      const covered = check.covered.flatMap((p) =>
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
        { epoch: Number(epoch), message: message.commit, proposals: covered },
        this.deps.now(),
      );
      await tx.realtime.updateGroup(tenantId, meetingId, { epoch: Number(next), created: true });
      for (const member of removed)
        await tx.realtime.deleteMember(tenantId, meetingId, member.participantId);
      for (const member of newMembers)
        await tx.realtime.putMember(tenantId, meetingId, toStoredMember(member));
      for (const p of dropped) await tx.realtime.deleteProposal(tenantId, meetingId, p.proposalId);
      for (const p of keep) {
        await tx.realtime.putProposal(
          tenantId,
          meetingId,
          toStoredProposal({ ...p, attempts: p.attempts + 1, flushed: undefined }),
        );
      }
      const oldest = Number(next) - this.deps.options.keptCommits;
      if (oldest > 0) await tx.realtime.pruneCommits(tenantId, meetingId, oldest);
    });

    this.epoch = next;
    this.requests.clear();
    this.deps.log.info('mls commit accepted', {
      meeting: meetingId,
      epoch: Number(next),
      added: newMembers.length,
      removed: removed.length,
      waiting: keep.length,
      turnedAway: turnedAway.length,
      members: this.members.size - removed.length + newMembers.length,
    });
    for (const member of removed) {
      this.stopGrace(member);
      this.members.delete(member.participantId);
    }
    for (const member of newMembers) this.members.set(member.participantId, member);
    this.proposals = this.proposals.filter((p) => !dropped.includes(p));
    for (const p of keep) {
      p.attempts += 1;
      p.flushed = undefined;
    }

    const epochString = epochText(epoch);
    this.deps.host.send(participantId, { type: 'commit-accepted', meetingId, epoch: epochString });
    const fanOut: ServerMessage = {
      type: 'commit',
      meetingId,
      epoch: epochString,
      message: message.commit,
    };
    for (const member of this.members.values()) {
      if (member.participantId === participantId || newMembers.includes(member)) continue;
      this.deps.host.send(member.participantId, fanOut);
    }
    if (check.welcome !== undefined && message.welcome !== undefined) {
      const welcome: ServerMessage = {
        type: 'welcome',
        meetingId,
        epoch: epochText(next),
        message: message.welcome,
      };
      for (const member of newMembers) this.deps.host.send(member.participantId, welcome);
    }
    for (const p of turnedAway)
      if (!p.departed) this.deps.host.turnAway(p.participantId, [refusedByMembers]);

    // Joiners who left (or were refused) while their Add was in this commit are in the tree now.
    for (const member of newMembers) {
      const proposal = check.added.find(
        (a) => a.proposal.participantId === member.participantId,
      )?.proposal;
      if (proposal?.departed === true || !this.deps.host.isConnected(member.participantId)) {
        await this.queueRemove(member, { flush: false });
      }
    }
    this.resetUpdateTimer();
    await this.flush();
    await this.refoundIfAbandoned();
    return undefined;
  }

  /**
   * A member reports the epoch it reached: it is known to follow the group (committers are picked
   * among such members first). Where it sits in the tree is not its to say: the accepted commits
   * placed it (./commit-check.ts).
   */
  epochReached(participantId: string, message: ClientMessageOf<'epoch-reached'>): void {
    const member = this.members.get(participantId);
    if (member !== undefined && parseEpoch(message.epoch) !== undefined) member.confirmed = true;
  }

  /** The member's leaf, as the group's accepted commits placed it; undefined for a non-member. */
  leafOf(participantId: string): number | undefined {
    return this.members.get(participantId)?.leafIndex;
  }

  /** A member's authentication service refused a joiner: the joiner is turned away. */
  proposalRejected(participantId: string, message: ClientMessageOf<'proposal-rejected'>): void {
    if (!this.members.has(participantId)) return;
    const proposal = this.proposals.find((p) => p.proposalId === message.proposalId);
    if (proposal?.kind !== 'add' || proposal.flushed?.epoch !== this.epoch || proposal.departed)
      return;
    proposal.departed = true;
    this.deps.host.turnAway(proposal.participantId, [refusedByMembers]);
  }

  /** An MLS application message (E2EE chat), relayed opaquely to the other members. */
  appMessage(
    participantId: string,
    message: ClientMessageOf<'app-message'>,
  ): SignalingErrorCode | undefined {
    if (!this.members.has(participantId)) return 'not_joined';
    const bytes = fromBase64(message.message);
    const header = bytes === undefined ? undefined : tryHeader(bytes);
    if (
      header?.wireFormat !== 'private_message' ||
      header.contentType !== 'application' ||
      !sameBytes(header.groupId, this.groupId)
    ) {
      return 'bad_mls_message';
    }
    const out: ServerMessage = {
      type: 'app-message',
      meetingId: this.target.meetingId,
      epoch: message.epoch,
      from: participantId,
      message: message.message,
    };
    for (const member of this.members.values()) {
      if (member.participantId !== participantId) this.deps.host.send(member.participantId, out);
    }
    return undefined;
  }

  /** Stops every timer; the state stays in the database. */
  close(): void {
    this.closed = true;
    clearTimeout(this.batchTimer);
    clearTimeout(this.updateTimer);
    this.requests.clear();
    for (const member of this.members.values()) this.stopGrace(member);
  }

  /** The meeting ended: the group is forgotten. */
  async destroy(): Promise<void> {
    this.close();
    await this.deps.store.realtime.deleteGroup(this.target.tenantId, this.target.meetingId);
  }

  /** Whether anything still needs this service in memory (someone may still resume). */
  get idle(): boolean {
    return [...this.members.values()].every((m) => m.grace === undefined);
  }

  // ---- internals ------------------------------------------------------------------------------

  private async found(): Promise<void> {
    this.groupId = randomBytes(GROUP_ID_BYTES);
    this.epoch = 0n;
    this.created = false;
    await this.deps.store.realtime.createGroup(
      this.target.tenantId,
      this.target.meetingId,
      { groupId: toBase64(this.groupId), epoch: 0, created: false },
      this.deps.now(),
    );
    this.exists = true;
  }

  private info(role: MlsJoinInfo['role']): MlsJoinInfo {
    const sender = this.deps.sender;
    return {
      role,
      groupId: toBase64(this.groupId),
      externalSender: {
        signaturePublicKey: toBase64(sender.publicKey),
        identity: toBase64(encodeServerIdentity(sender.identity)),
      },
      cipherSuite: MEETING_SUITE_ID,
      ...(this.created ? { epoch: epochText(this.epoch) } : {}),
    };
  }

  /**
   * What a member at `from` needs to reach the current epoch — each missed epoch's covered
   * proposals, then its commit — or undefined if it cannot resume from there.
   */
  private async missedCommits(member: Member, from: bigint): Promise<ServerMessage[] | undefined> {
    if (!this.created || from > this.epoch || this.pendingRemove(member) !== undefined)
      return undefined;
    if (from === this.epoch) return [];
    const stored = await this.deps.store.realtime.commitsFrom(
      this.target.tenantId,
      this.target.meetingId,
      Number(from),
    );
    const needed = Number(this.epoch - from);
    if (stored.length !== needed || stored[0]?.epoch !== Number(from)) return undefined;
    const meetingId = this.target.meetingId;
    return stored.flatMap((c): ServerMessage[] => [
      ...c.proposals.map((p): ServerMessage => ({
        type: 'proposal',
        meetingId,
        epoch: String(c.epoch),
        ...p,
      })),
      { type: 'commit', meetingId, epoch: String(c.epoch), message: c.message },
    ]);
  }

  /** Out with a member that broke the rules: taken out by the room, its Remove proposed. */
  private async expel(member: Member, violation: CommitViolation): Promise<void> {
    this.deps.log.info('mls member expelled', {
      meeting: this.target.meetingId,
      epoch: Number(this.epoch),
      violation,
    });
    await this.deps.host.expel(member.participantId, violation);
    await this.depart(member.participantId, 'removed');
  }

  private pendingRemove(member: Member): Proposal | undefined {
    return this.proposals.find(
      (p) => p.kind === 'remove' && p.participantId === member.participantId,
    );
  }

  private sentThisEpoch(): Proposal[] {
    return this.proposals.filter((p) => p.flushed?.epoch === this.epoch);
  }

  private proposalMessage(p: Proposal): ServerMessage {
    if (p.flushed === undefined) throw new Error('proposal not sent yet');
    return {
      type: 'proposal',
      meetingId: this.target.meetingId,
      proposalId: p.proposalId,
      epoch: epochText(p.flushed.epoch),
      message: toBase64(p.flushed.message),
      kind: p.kind,
      participantId: p.participantId,
    };
  }

  private async queueRemove(member: Member, options: { flush?: boolean } = {}): Promise<void> {
    this.stopGrace(member);
    if (this.pendingRemove(member) !== undefined) return;
    const remove = newRemoveProposal(randomUUID(), this.seq++, member);
    await this.deps.store.realtime.putProposal(
      this.target.tenantId,
      this.target.meetingId,
      toStoredProposal(remove),
    );
    this.proposals.push(remove);
    if (options.flush !== false) this.scheduleFlush();
  }

  private async dropProposal(p: Proposal): Promise<void> {
    await this.deps.store.realtime.deleteProposal(
      this.target.tenantId,
      this.target.meetingId,
      p.proposalId,
    );
    this.proposals = this.proposals.filter((q) => q !== p);
  }

  /**
   * Gathers proposals into one batch: each new one pushes the flush back by the quiet window, up
   * to the batch's maximum delay. During a join storm this turns a stream of joins into a few
   * large commits — each commit costs every member a full commit's processing, so their number,
   * not their size, is what a storm pays for.
   */
  private scheduleFlush(): void {
    if (this.closed) return;
    const now = this.deps.now();
    this.batchStartedAt ??= now;
    const { batchWindowMs, maxBatchDelayMs } = this.deps.options;
    const delay = Math.max(0, Math.min(batchWindowMs, this.batchStartedAt + maxBatchDelayMs - now));
    clearTimeout(this.batchTimer);
    this.batchTimer = setTimeout(() => {
      this.batchTimer = undefined;
      this.batchStartedAt = undefined;
      this.deps.host.enqueue(() => this.flush());
    }, delay);
  }

  /**
   * Signs every proposal not yet sent in this epoch, sends them to the members, and asks one
   * member to commit. Runs after the batch window and right after each accepted commit; while a
   * commit is in flight, new proposals wait for the next epoch.
   */
  private async flush(): Promise<void> {
    if (!this.created || this.requests.open || this.closed) return;
    const epoch = this.epoch;
    const target = { groupId: this.groupId, epoch };
    const devicesWithLeaf = new Set([...this.members.values()].map((m) => m.deviceId));
    const fresh: Proposal[] = [];
    const stale: Proposal[] = [];
    for (const p of this.proposals) {
      if (p.flushed?.epoch === epoch) continue;
      if (p.kind === 'add') {
        if (p.departed) stale.push(p);
        else if (!devicesWithLeaf.has(p.deviceId) && p.keyPackage !== null) fresh.push(p);
      } else {
        const member = this.members.get(p.participantId);
        if (member === undefined) stale.push(p);
        else fresh.push(p);
      }
    }
    for (const p of stale) await this.dropProposal(p);
    fresh.splice(Math.max(0, MAX_PROPOSALS_PER_EPOCH - this.sentThisEpoch().length));
    for (const p of fresh) {
      let message: Uint8Array;
      if (p.kind === 'add' && p.keyPackage !== null) {
        message = await proposeExternalAdd(
          this.deps.crypto,
          this.deps.sender,
          target,
          p.keyPackage,
        );
      } else {
        const leaf = this.members.get(p.participantId)?.leafIndex ?? p.leafIndex ?? 0;
        p.leafIndex = leaf;
        message = await proposeExternalRemove(this.deps.crypto, this.deps.sender, target, leaf);
      }
      p.flushed = { epoch, message, ref: await proposalReference(this.deps.crypto, message) };
    }
    if (fresh.length > 0) {
      await this.deps.store.transaction(async (tx) => {
        for (const p of fresh)
          await tx.realtime.putProposal(
            this.target.tenantId,
            this.target.meetingId,
            toStoredProposal(p),
          );
      });
      for (const p of fresh) {
        const out = this.proposalMessage(p);
        for (const member of this.members.values()) this.deps.host.send(member.participantId, out);
      }
    }
    const sent = this.sentThisEpoch().length;
    if (sent > 0) this.requests.request(epoch, 'proposals', sent);
  }

  /** A member is back: a commit nobody could be asked for can be asked for now. */
  private afterMemberConnected(): void {
    const committer = this.requests.committer;
    if (!this.requests.open) {
      const sent = this.sentThisEpoch().length;
      if (sent > 0) this.requests.request(this.epoch, 'proposals', sent);
      else if (this.proposals.length > 0) this.scheduleFlush();
    } else if (committer !== undefined && !this.deps.host.isConnected(committer)) {
      this.requests.next();
    }
  }

  private resetUpdateTimer(): void {
    clearTimeout(this.updateTimer);
    if (this.closed) return;
    this.updateTimer = setTimeout(() => {
      this.deps.host.enqueue(async () => {
        if (!this.created || this.requests.open) return this.resetUpdateTimer();
        if (this.proposals.length > 0) await this.flush();
        else this.requests.request(this.epoch, 'update');
        this.resetUpdateTimer();
      });
    }, this.deps.options.updateIntervalMs);
  }

  private startGrace(member: Member): void {
    if (member.grace !== undefined || this.closed) return;
    member.grace = setTimeout(() => {
      this.deps.host.enqueue(async () => {
        member.grace = undefined;
        if (
          this.members.get(member.participantId) !== member ||
          this.deps.host.isConnected(member.participantId)
        )
          return;
        await this.queueRemove(member);
        await this.refoundIfAbandoned();
      });
    }, this.deps.options.reconnectGraceMs);
  }

  private stopGrace(member: Member): void {
    clearTimeout(member.grace);
    member.grace = undefined;
  }

  /** The group has members but nobody left who could commit (all gone for good): start a new one. */
  private async refoundIfAbandoned(): Promise<void> {
    if (!this.created) return;
    const alive = [...this.members.values()].some(
      (m) =>
        this.pendingRemove(m) === undefined &&
        (m.grace !== undefined || this.deps.host.isConnected(m.participantId)),
    );
    if (alive) return;
    const waiting = this.proposals.filter(
      (p) => p.kind === 'add' && !p.departed && this.deps.host.isConnected(p.participantId),
    );
    this.requests.clear();
    clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    this.batchStartedAt = undefined;
    clearTimeout(this.updateTimer);
    for (const member of this.members.values()) this.stopGrace(member);
    await this.deps.store.realtime.deleteGroup(this.target.tenantId, this.target.meetingId);
    this.members.clear();
    this.proposals = [];
    this.exists = false;
    this.created = false;
    this.creator = undefined;
    if (waiting.length === 0) return;
    await this.found();
    const [first, ...rest] = waiting;
    if (first === undefined) return;
    this.creator = {
      participantId: first.participantId,
      userId: first.userId,
      deviceId: first.deviceId,
    };
    this.deps.host.reannounce(first.participantId, this.info('create-group'));
    for (const p of rest) {
      p.flushed = undefined;
      p.attempts = 0;
      await this.deps.store.realtime.putProposal(
        this.target.tenantId,
        this.target.meetingId,
        toStoredProposal(p),
      );
      this.proposals.push(p);
      this.deps.host.reannounce(p.participantId, this.info('await-welcome'));
    }
  }

  /** The participant asked to create the group left first: the next waiting joiner creates it. */
  private async promoteCreator(): Promise<void> {
    if (this.created) return;
    const next = this.proposals.find(
      (p) => p.kind === 'add' && !p.departed && this.deps.host.isConnected(p.participantId),
    );
    if (next === undefined) return;
    await this.dropProposal(next);
    this.creator = {
      participantId: next.participantId,
      userId: next.userId,
      deviceId: next.deviceId,
    };
    this.deps.host.reannounce(next.participantId, this.info('create-group'));
  }

  private sendRejection(
    participantId: string,
    epoch: string,
    reason: 'stale-epoch' | 'future-epoch' | 'not-member',
  ): void {
    this.deps.host.send(participantId, {
      type: 'commit-rejected',
      meetingId: this.target.meetingId,
      epoch,
      reason,
      currentEpoch: epochText(this.epoch),
    });
  }
}

function tryHeader(bytes: Uint8Array): MessageHeader | undefined {
  try {
    return readMessageHeader(bytes);
  } catch (error) {
    if (error instanceof MlsError) return undefined;
    throw error;
  }
}
