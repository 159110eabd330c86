// The MLS delivery service of one E2EE meeting or call (docs/meeting-flow.md). The server is the
// group's external sender, never a member: it proposes Add (for participants it admitted) and
// Remove (for those who left, were removed or timed out), asks ONE member to commit each batch,
// keeps the first valid commit of every epoch as canonical, fans its bytes out, and routes the
// Welcome to the joiners it names: per membership change one commit, O(members) messages.
//
// Every method runs in the room's serial queue; timers re-enter through `host.enqueue`. The group's
// life is one tagged value (./group-state.ts) in a record that stores every change first
// (./group-record.ts); a commit is planned (pure, ./commit-plan.ts), stored, applied, announced.
import { refusedByMembers, type JoinTarget } from '../admission.ts';
import { fromBase64, parseEpoch } from '../bytes.ts';
import { passEvery } from '../event-loop.ts';
import type { ClientMessageOf, SignalingErrorCode } from '../signaling.ts';
import { checkCommit, sameBytes, type CommitViolation } from './commit-check.ts';
import { planCommit, type CommitPlan } from './commit-plan.ts';
import { CommitRequests } from './commit-requests.ts';
import { EpochConfirmations } from './epoch-confirmations.ts';
import { PeriodicUpdate } from './periodic-update.ts';
import { joinersOf, type Member } from './group.ts';
import type { Joiner } from './group-state.ts';
import { GroupRecord } from './group-record.ts';
import { useKeyPackage } from './key-packages.ts';
import {
  commitAnnouncements,
  commitRejected,
  joinInfo,
  proposalMessage,
  relayedApplication,
} from './messages.ts';
import { BatchWaitClock, type BatchWait } from './batch-wait.ts';
import { GroupTimers } from './group-timers.ts';
import { promoteCreator, refoundIfAbandoned, type Refounding } from './refounding.ts';
import type {
  DeliveryDeps,
  Departure,
  JoinOutcome,
  JoinRequest,
  MlsJoinInfo,
} from './delivery-types.ts';

export class DeliveryService {
  private readonly group: GroupRecord;
  private readonly requests: CommitRequests;
  private readonly timers: GroupTimers;
  private readonly confirmations: EpochConfirmations;
  private readonly update: PeriodicUpdate;
  /** How long proposals wait for a commit request (said to the committer and the joiners). */
  private readonly batchWait: BatchWaitClock;
  private closed = false;

  private constructor(
    private readonly target: JoinTarget,
    private readonly deps: DeliveryDeps,
  ) {
    this.group = new GroupRecord(deps.store, target, deps.lease);
    this.batchWait = new BatchWaitClock(deps.clock);
    this.timers = new GroupTimers(deps.clock, deps.options, (task) => deps.host.enqueue(task));
    this.confirmations = new EpochConfirmations(
      target.meetingId,
      deps.host,
      this.group.members,
      () => this.update.epochConfirmed(),
    );
    this.update = new PeriodicUpdate({
      timers: this.timers,
      confirmed: () => this.confirmations.isConfirmed(this.currentEpoch),
      due: () => this.updateDue(),
    });
    this.requests = new CommitRequests({
      meetingId: target.meetingId,
      timeoutMs: deps.options.commitTimeoutMs,
      timeoutPerProposalMs: deps.options.commitTimeoutPerProposalMs,
      clock: deps.clock,
      send: (participantId, message) => deps.host.send(participantId, message),
      enqueue: (task) => deps.host.enqueue(task),
      candidates: () => this.confirmations.candidates(this.group, this.currentEpoch),
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
    await service.group.load(deps.crypto);
    // Nobody is connected after a restart: each member has the grace time to resume.
    for (const member of service.group.members.values()) service.startGrace(member);
    if (service.group.state.kind === 'active') service.update.restart();
    return service;
  }

  /**
   * Participants the meeting holds besides the connected ones: members away within their grace
   * time (not counting `exceptDevice`'s own leaf, which a returning device takes back).
   */
  absentMembers(connected: ReadonlySet<string>, exceptDevice: string): number {
    return this.group.absentMembers(connected, exceptDevice);
  }

  /** Admits a participant to the group: resume, create, or an Add proposal. */
  async join(
    joiner: Joiner,
    request: JoinRequest,
    attach: (participantId: string, mls: MlsJoinInfo) => void,
  ): Promise<JoinOutcome> {
    if (this.group.state.kind === 'none') await this.group.found(undefined, this.deps.clock.now());
    const existing = [...this.group.members.values()].find((m) => m.deviceId === joiner.deviceId);

    if (request.resumeEpoch !== undefined && existing !== undefined) {
      const missed = await this.group.missedCommits(existing, request.resumeEpoch);
      if (missed !== undefined) {
        this.timers.stopGrace(existing);
        existing.confirmed = true;
        attach(existing.participantId, this.info('resume'));
        for (const commit of missed) this.deps.host.send(existing.participantId, commit);
        for (const p of this.group.sentThisEpoch())
          this.deps.host.send(existing.participantId, proposalMessage(this.target.meetingId, p));
        this.afterMemberConnected();
        return { kind: 'joined', participantId: existing.participantId };
      }
    }

    const state = this.group.state;
    if (state.kind === 'founding' && state.creator === undefined) {
      this.group.state = { ...state, creator: joiner };
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
    const now = this.deps.clock.now();
    if (!(await useKeyPackage(this.deps.store, this.target.tenantId, request.keyPackage, now))) {
      return {
        kind: 'error',
        code: 'key_package_reused',
        message: 'This KeyPackage was used before; send a fresh one.',
      };
    }
    // The device's old leaf goes first: a device holds one leaf, so its Add waits for the Remove.
    if (existing !== undefined) await this.queueRemove(existing);
    await this.group.addProposal(joiner, request.keyPackage);
    this.batchWait.arrived(joiner.participantId);
    attach(joiner.participantId, this.info('await-welcome'));
    this.scheduleFlush();
    return { kind: 'joined', participantId: joiner.participantId };
  }

  /** A participant is no longer connected; `since`: when the room took them out (batch-wait.ts). */
  async depart(participantId: string, how: Departure, since?: number): Promise<void> {
    const state = this.group.state;
    if (state.kind === 'founding' && state.creator?.participantId === participantId) {
      this.group.state = { ...state, creator: undefined };
      await promoteCreator(this.refounding());
      return;
    }
    const member = this.group.members.get(participantId);
    if (member !== undefined) {
      this.deps.log.info('mls member departed', { meeting: this.target.meetingId, how });
      // The last member a new epoch waited for may be the one who went.
      this.confirmations.check(this.currentEpoch);
      if (how === 'disconnected' || how === 'replaced') this.startGrace(member);
      else await this.queueRemove(member, since === undefined ? {} : { since });
      if (this.requests.committer === participantId) this.requests.next();
      await refoundIfAbandoned(this.refounding());
      return;
    }
    for (const p of this.group.proposals.filter(
      (q) => q.kind === 'add' && q.participantId === participantId,
    )) {
      if (state.kind === 'active' && p.flushed?.epoch === state.epoch) {
        // The members hold it for this epoch: a commit may still add them; then they are removed.
        p.departed = true;
      } else {
        await this.group.drop(p);
      }
    }
  }

  async groupCreated(
    participantId: string,
    message: ClientMessageOf<'group-created'>,
  ): Promise<SignalingErrorCode | undefined> {
    const groupId = fromBase64(message.groupId);
    const state = this.group.state;
    if (
      state.kind !== 'founding' ||
      state.creator?.participantId !== participantId ||
      groupId === undefined ||
      !sameBytes(groupId, state.groupId)
    ) {
      return 'bad_mls_message';
    }
    await this.group.created(state.creator, state.groupId);
    await this.deps.host.groupCreated(participantId);
    this.update.restart();
    await this.flush();
    return undefined;
  }

  /** The first valid commit of the current epoch wins; any other gets a typed rejection. */
  async commit(
    participantId: string,
    message: ClientMessageOf<'commit'>,
  ): Promise<SignalingErrorCode | undefined> {
    const author = this.group.members.get(participantId);
    const state = this.group.state;
    const { meetingId } = this.target;
    if (author === undefined || state.kind !== 'active') {
      this.deps.metrics?.commit('rejected');
      const current = state.kind === 'active' ? state.epoch : 0n;
      this.deps.host.send(
        participantId,
        commitRejected(meetingId, message.epoch, 'not-member', current),
      );
      return undefined;
    }
    const refs = new Map(this.group.sentThisEpoch().map((p) => [p.flushed.ref, p]));
    const check = checkCommit(
      {
        groupId: state.groupId,
        epoch: state.epoch,
        members: this.group.members,
        proposals: this.group.proposals,
      },
      author,
      message,
      this.requests.asked(participantId, state.epoch),
      refs,
    );
    this.deps.metrics?.commit(check.kind === 'accept' ? 'accepted' : 'rejected');
    switch (check.kind) {
      case 'violation':
        await this.expel(author, check.violation);
        return undefined;
      case 'reject':
        // A losing commit's Welcome is dropped here: it is never stored or sent.
        this.deps.host.send(
          participantId,
          commitRejected(meetingId, message.epoch, check.reason, state.epoch),
        );
        return undefined;
      case 'invalid':
        return 'bad_commit';
      case 'accept':
        break;
    }

    const plan = planCommit(
      state.epoch,
      this.group.members,
      check,
      this.deps.options.maxProposalAttempts,
    );
    for (const member of plan.removed) this.timers.stopGrace(member);
    const { keptCommits } = this.deps.options;
    await this.group.commit(
      plan,
      message.commit,
      state.groupId,
      keptCommits,
      this.deps.clock.now(),
    );
    const waits = this.requests.joinerWaits(state.epoch);
    this.requests.clear();
    this.deps.log.info('mls commit accepted', {
      meeting: meetingId,
      epoch: Number(plan.next),
      added: plan.joined.length,
      removed: plan.removed.length,
      waiting: plan.again.length,
      turnedAway: plan.turnedAway.length,
      members: this.group.members.size,
    });
    this.announce(plan, participantId, message, waits);

    // Joiners who left (or were refused) while their Add was in this commit are in the tree now.
    for (const member of plan.joined) {
      const proposal = check.added.find(
        (a) => a.proposal.participantId === member.participantId,
      )?.proposal;
      if (proposal?.departed === true || !this.deps.host.isConnected(member.participantId)) {
        await this.queueRemove(member, { flush: false });
      }
    }
    this.update.restart();
    await this.flush();
    await refoundIfAbandoned(this.refounding());
    return undefined;
  }

  /**
   * A member reports the epoch it reached: it is known to follow the group (committers are picked
   * among such members first), and once all have, senders may use the epoch's keys
   * (./epoch-confirmations.ts). Where it sits in the tree is not its to say: the accepted commits
   * placed it (./commit-check.ts).
   */
  epochReached(participantId: string, message: ClientMessageOf<'epoch-reached'>): void {
    const member = this.group.members.get(participantId);
    const epoch = parseEpoch(message.epoch);
    if (member === undefined || epoch === undefined) return;
    member.confirmed = true;
    this.confirmations.reached(participantId, epoch, this.currentEpoch);
  }

  /** The member's leaf, as the group's accepted commits placed it; undefined for a non-member. */
  leafOf(participantId: string): number | undefined {
    return this.group.members.get(participantId)?.leafIndex;
  }

  /**
   * A member's authentication service refused a joiner: the joiner is turned away. Answers what
   * the report was about (undefined from a non-member): the epoch, and whom the Add would add.
   */
  proposalRejected(participantId: string, message: ClientMessageOf<'proposal-rejected'>) {
    const state = this.group.state;
    if (!this.group.members.has(participantId) || state.kind !== 'active') return undefined;
    const proposal = this.group.proposals.find((p) => p.proposalId === message.proposalId);
    const add = proposal?.kind === 'add' && proposal.flushed?.epoch === state.epoch;
    if (add && !proposal.departed) {
      proposal.departed = true;
      this.deps.host.turnAway(proposal.participantId, [refusedByMembers]);
    }
    return { epoch: state.epoch, ...(add ? { userId: proposal.userId } : {}) };
  }

  /** An MLS application message (E2EE chat), relayed opaquely to the other members. */
  appMessage(
    participantId: string,
    message: ClientMessageOf<'app-message'>,
  ): SignalingErrorCode | undefined {
    const state = this.group.state;
    if (!this.group.members.has(participantId) || state.kind !== 'active') return 'not_joined';
    const out = relayedApplication(this.target.meetingId, state.groupId, participantId, message);
    if (out === undefined) return 'bad_mls_message';
    this.deps.host.sendEach(this.group.members.keys(), out, participantId);
    return undefined;
  }

  /** Stops every timer; the state stays in the database. */
  close(): void {
    this.closed = true;
    this.update.close();
    this.stopTimers();
  }

  /** The meeting ended: the group is forgotten. */
  async destroy(): Promise<void> {
    this.close();
    await this.group.delete();
  }

  /** The member asked to commit that has not answered yet, if any. */
  readonly committer = (): string | undefined => this.requests.committer;

  /** Whether anything still needs this service in memory (someone may still resume). */
  get idle(): boolean {
    return [...this.group.members.values()].every((m) => m.grace === undefined);
  }

  // ---- internals ------------------------------------------------------------------------------

  private get currentEpoch(): bigint | undefined {
    return this.group.state.kind === 'active' ? this.group.state.epoch : undefined;
  }

  private info(role: MlsJoinInfo['role']): MlsJoinInfo {
    return joinInfo(role, this.group.state, this.deps.sender, this.deps.crypto.suite.id);
  }

  /**
   * The author learns its commit won; the others get it; the joiners get their Welcome, with each
   * one's own wait for the request it answered.
   */
  private announce(
    plan: CommitPlan,
    author: string,
    message: ClientMessageOf<'commit'>,
    waits: ReadonlyMap<string, BatchWait>,
  ): void {
    const members = [...this.group.members.values()];
    const out = commitAnnouncements(this.target.meetingId, plan, author, message, members, waits);
    for (const [announcement, to] of out) this.deps.host.sendEach(to, announcement);
    for (const p of plan.turnedAway)
      if (!p.departed) this.deps.host.turnAway(p.participantId, [refusedByMembers]);
  }

  /** Out with a member that broke the rules: taken out by the room, its Remove proposed. */
  private async expel(member: Member, violation: CommitViolation): Promise<void> {
    this.deps.log.info('mls member expelled', {
      meeting: this.target.meetingId,
      epoch: Number(this.currentEpoch ?? 0n),
      violation,
    });
    await this.deps.host.expel(member.participantId, violation);
    await this.depart(member.participantId, 'removed');
  }

  private async queueRemove(member: Member, o: { flush?: boolean; since?: number } = {}) {
    this.timers.stopGrace(member);
    if ((await this.group.removeProposal(member)) && o.flush !== false) this.scheduleFlush(o.since);
  }

  /** Retried while the database is away: a Remove recorded in an outage goes out after it. */
  private scheduleFlush(since?: number): void {
    if (this.closed) return;
    this.batchWait.started(since);
    this.timers.batch(() => this.deps.host.retried('proposals', () => this.flush()));
  }

  /**
   * Signs every proposal not yet sent in this epoch, sends them to the members, and asks one
   * member to commit. Runs after the batch window and right after each accepted commit; while a
   * commit is in flight, new proposals wait for the next epoch.
   */
  private async flush(): Promise<void> {
    const state = this.group.state;
    if (this.closed) return;
    if (state.kind !== 'active' || this.requests.open) return this.batchWait.blocked();
    const fresh = await this.group.signPending(this.deps.crypto, this.deps.sender);
    for (const [step, p] of fresh.entries()) {
      await passEvery(step);
      if (this.closed) return;
      this.deps.host.sendEach(this.group.members.keys(), proposalMessage(this.target.meetingId, p));
    }
    const sent = this.group.sentThisEpoch();
    if (sent.length === 0) return;
    const waits = this.batchWait.take(joinersOf(sent), joinersOf(this.group.proposals));
    this.requests.request(state.epoch, 'proposals', sent.length, waits);
  }

  /** A member is back: a commit nobody could be asked for can be asked for now. */
  private afterMemberConnected(): void {
    const committer = this.requests.committer;
    if (!this.requests.open) {
      const sent = this.group.sentThisEpoch();
      if (sent.length > 0 && this.group.state.kind === 'active') {
        const waits = this.batchWait.askedAgain(joinersOf(sent));
        this.requests.request(this.group.state.epoch, 'proposals', sent.length, waits);
      } else if (this.group.proposals.length > 0) {
        this.scheduleFlush();
      }
    } else if (committer !== undefined && !this.deps.host.isConnected(committer)) {
      this.requests.next();
    }
  }

  private async updateDue(): Promise<void> {
    const state = this.group.state;
    if (state.kind === 'active' && !this.requests.open) {
      if (this.group.proposals.length > 0) await this.flush();
      else this.requests.request(state.epoch, 'update');
    }
  }

  private startGrace(member: Member): void {
    if (this.closed) return;
    this.timers.grace(member, () =>
      this.deps.host.retried('grace-expired', () => this.graceExpired(member)),
    );
  }

  private async graceExpired(member: Member): Promise<void> {
    if (
      this.group.members.get(member.participantId) !== member ||
      this.deps.host.isConnected(member.participantId)
    )
      return;
    await this.queueRemove(member);
    await refoundIfAbandoned(this.refounding());
  }

  private stopTimers(): void {
    this.update.stop();
    this.timers.stop(this.group.members.values());
    this.requests.clear();
  }

  private refounding(): Refounding {
    return {
      group: this.group,
      host: this.deps.host,
      now: () => this.deps.clock.now(),
      info: (role) => this.info(role),
      stopTimers: () => this.stopTimers(),
    };
  }
}
