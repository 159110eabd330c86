// The MLS member role of docs/meeting-flow.md for one meeting: create the group or wait for the
// Welcome, process the server's proposals through the authentication service, commit when the
// delivery service asks (and only then), adopt a commit only once it is accepted, follow other
// members' commits, and report every epoch reached. Transport-free: it is handed server messages
// one at a time, in order, and sends through a callback.
import {
  MEETING_SUITE_ID,
  PQ_MEETING_SUITE_ID,
  MlsError,
  commitPending,
  commitUpdate,
  createMeeting,
  createMeetingContext,
  encryptApplicationMessage,
  epoch as epochOf,
  generateKeyPackage,
  joinFromWelcome,
  members,
  ownLeafIndex,
  receiveMessage,
  securityCode,
  syncKeyRing,
  wipe,
  type CommitResult,
  type ExternalSenderInfo,
  type KeyPackageBundle,
  type MeetingContext,
  type MeetingState,
  type RosterEntry,
} from '@conclave/crypto/member';
import { bytesEqual, fromBase64, toBase64 } from '../bytes.ts';
import { ClientError } from '../errors.ts';
import type { ServerMessage } from '../wire.ts';
import type { MemberSessionOptions } from './member-options.ts';
import { MlsTimer, type BatchWait } from './timings.ts';
import { timedStep } from './turns.ts';

export type { EpochChange, MemberObserver, MemberSessionOptions } from './member-options.ts';

type Msg<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;
export type MlsJoinInfo = NonNullable<Msg<'joined'>['mls']>;

type Phase =
  | { readonly kind: 'idle' }
  | { readonly kind: 'awaiting-welcome' }
  | { readonly kind: 'member'; readonly state: MeetingState }
  | { readonly kind: 'gone' };

type MadeCommit = Extract<CommitResult, { kind: 'commit' }>;

export type JoinedOutcome = 'ok' | 'needs-fresh-join';

export class MemberSession {
  readonly #o: MemberSessionOptions;
  #phase: Phase = { kind: 'idle' };
  #ctx: MeetingContext | undefined;
  #groupId: string | undefined;
  #keyPackage: KeyPackageBundle | undefined;
  #pqKeyPackage: KeyPackageBundle | undefined;
  /** The suite `joined` said the meeting requires; the Welcome must be on it. */
  #postQuantum = false;
  #pending:
    | {
        readonly epoch: bigint;
        readonly commit: MadeCommit;
        readonly timing: { readonly commitMs: number; readonly wait: BatchWait };
      }
    | undefined;
  readonly timer = new MlsTimer();

  constructor(options: MemberSessionOptions) {
    this.#o = options;
  }

  get isMember(): boolean {
    return this.#phase.kind === 'member';
  }

  get epoch(): bigint | undefined {
    return this.#phase.kind === 'member' ? epochOf(this.#phase.state) : undefined;
  }

  get leafIndex(): number | undefined {
    return this.#phase.kind === 'member' ? ownLeafIndex(this.#phase.state) : undefined;
  }

  get roster(): RosterEntry[] {
    return this.#phase.kind === 'member' ? members(this.#phase.state) : [];
  }

  get securityCode(): string | undefined {
    return this.#phase.kind === 'member' && this.#phase.state.kind === 'active'
      ? securityCode(this.#phase.state)
      : undefined;
  }

  /**
   * Fresh single-use KeyPackages for `join`, one per suite this client can do (it learns the
   * meeting's suite only from `joined`); their private halves wait here for the Welcome.
   */
  async prepareKeyPackage(): Promise<{ keyPackage: string; postQuantumKeyPackage?: string }> {
    this.#discardKeyPackage();
    const now = this.#o.clock.now();
    this.#keyPackage = await generateKeyPackage(this.#o.crypto, this.#o.device, { now });
    const { pqCrypto } = this.#o;
    if (pqCrypto === undefined) return { keyPackage: toBase64(this.#keyPackage.publicBytes) };
    this.#pqKeyPackage = await generateKeyPackage(pqCrypto, this.#o.device, { now });
    return {
      keyPackage: toBase64(this.#keyPackage.publicBytes),
      postQuantumKeyPackage: toBase64(this.#pqKeyPackage.publicBytes),
    };
  }

  /** Forgets the group (after a removal or a failure) so the meeting can join afresh. */
  reset(): void {
    this.#phase = { kind: 'idle' };
    this.#pending = undefined;
    this.#groupId = undefined;
  }

  close(): void {
    this.reset();
    this.#phase = { kind: 'gone' };
    this.#discardKeyPackage();
  }

  /** `joined` for an E2EE meeting. `server` is the external sender the client checked. */
  async joined(mls: MlsJoinInfo, server: ExternalSenderInfo): Promise<JoinedOutcome> {
    // The suite the meeting requires, and only it: a member never follows a group onto another.
    const crypto =
      mls.cipherSuite === MEETING_SUITE_ID
        ? this.#o.crypto
        : mls.cipherSuite === PQ_MEETING_SUITE_ID
          ? this.#o.pqCrypto
          : undefined;
    if (crypto === undefined) throw new ClientError('group_failed');
    this.#postQuantum = crypto.suite.kind === 'post-quantum';
    this.#ctx = createMeetingContext({
      crypto,
      authenticator: this.#o.authenticator,
      server,
      now: () => this.#o.clock.now(),
    });
    const phase = this.#phase;
    if (phase.kind === 'member' && this.#groupId === mls.groupId) {
      // Resumed after a reconnect: the missed commits follow; say where this member is.
      this.#sendEpochReached(phase.state);
      return 'ok';
    }
    if (mls.role === 'resume') return 'needs-fresh-join';
    if (phase.kind === 'member') this.reset();
    if (this.#groupId !== undefined && this.#groupId !== mls.groupId) this.#o.newGroup();
    this.#groupId = mls.groupId;
    if (mls.role === 'create-group') {
      const groupId = fromBase64(mls.groupId);
      if (groupId === undefined) throw new ClientError('protocol');
      const founding = await this.#timed(() =>
        this.#guard(() => createMeeting(this.#ctx!, this.#o.device, { groupId })),
      );
      const state = founding.value;
      this.timer.founded(founding.ms);
      this.#o.send({ type: 'group-created', meetingId: this.#o.meetingId, groupId: mls.groupId });
      await this.#enterEpoch(state, undefined);
      return 'ok';
    }
    if (this.#bundle() === undefined) return 'needs-fresh-join';
    this.#phase = { kind: 'awaiting-welcome' };
    return 'ok';
  }

  /** One MLS-related server message, in arrival order. */
  async handle(message: ServerMessage): Promise<void> {
    switch (message.type) {
      case 'proposal':
        return this.#onProposal(message);
      case 'commit-request':
        return this.#onCommitRequest(message);
      case 'commit-accepted':
        return this.#onCommitAccepted(message);
      case 'commit-rejected':
        return this.#onCommitRejected(message);
      case 'commit':
        return this.#onCommit(message);
      case 'welcome':
        return this.#onWelcome(message);
      case 'app-message':
        return this.#onApplication(message);
      default:
        return;
    }
  }

  /** Encrypts `plaintext` as an MLS application message of the current epoch. */
  async encrypt(plaintext: Uint8Array): Promise<{ epoch: bigint; message: Uint8Array }> {
    const phase = this.#phase;
    if (phase.kind !== 'member' || this.#ctx === undefined) throw new ClientError('not_joined');
    const result = await this.#guard(() =>
      encryptApplicationMessage(this.#ctx!, phase.state, plaintext),
    );
    this.#phase = { kind: 'member', state: result.state };
    wipe(result.consumed);
    return { epoch: epochOf(result.state), message: result.message };
  }

  async #onProposal(message: Msg<'proposal'>): Promise<void> {
    const phase = this.#phase;
    if (phase.kind !== 'member' || this.#ctx === undefined) return;
    const current = epochOf(phase.state);
    if (BigInt(message.epoch) !== current) return;
    const bytes = fromBase64(message.message);
    const reject = (reason: string) =>
      this.#o.send({
        type: 'proposal-rejected',
        meetingId: this.#o.meetingId,
        proposalId: message.proposalId,
        reason,
      });
    if (bytes === undefined) return reject('malformed');
    let result;
    try {
      result = await receiveMessage(this.#ctx, phase.state, bytes);
    } catch {
      return reject('malformed');
    }
    switch (result.kind) {
      case 'proposal_pending':
        this.#phase = { kind: 'member', state: result.state };
        this.#o.observer.findings(result.events);
        return;
      case 'rejected':
        this.#o.observer.findings(result.events);
        // Say precisely when the refusal is an Add no organizer admitted: the server audits it.
        return reject(
          result.events.some((e) => e.kind === 'rejected' && e.reason === 'not_admitted')
            ? 'not_admitted'
            : result.reason,
        );
      default:
        // Stale, future or another group's: nothing this member can act on.
        return;
    }
  }

  async #onCommitRequest(message: Msg<'commit-request'>): Promise<void> {
    const phase = this.#phase;
    if (phase.kind !== 'member' || this.#ctx === undefined || this.#pending !== undefined) return;
    const current = epochOf(phase.state);
    if (BigInt(message.epoch) !== current) return;
    const ctx = this.#ctx;
    let result: CommitResult;
    let commitMs: number;
    try {
      ({ value: result, ms: commitMs } = await this.#timed(async () => {
        const made =
          message.reason === 'update'
            ? await commitUpdate(ctx, phase.state)
            : await commitPending(ctx, phase.state);
        // Asked to commit a batch this member refused all of (a joiner its authentication service
        // kept out): it commits an update instead, so the epoch moves on and the refused Add is
        // dropped — otherwise every member would refuse it in turn and the group would stall.
        return made.kind === 'nothing_to_commit' ? commitUpdate(ctx, phase.state) : made;
      }));
    } catch {
      // The library refused the commit: the delivery service asks the next member after its
      // timeout.
      return;
    }
    if (result.kind === 'nothing_to_commit') return;
    this.#o.observer.findings(result.events);
    const wait = { waitedMs: message.waitedMs, blockedMs: message.blockedMs };
    const timing = { commitMs, wait };
    this.#pending = { epoch: current, commit: result, timing };
    this.#o.send({
      type: 'commit',
      meetingId: this.#o.meetingId,
      epoch: current.toString(),
      commit: toBase64(result.commit),
      ...(result.welcome === undefined || result.added.length === 0
        ? {}
        : { welcome: toBase64(result.welcome) }),
    });
  }

  async #onCommitAccepted(message: Msg<'commit-accepted'>): Promise<void> {
    const pending = this.#pending;
    if (pending === undefined || pending.epoch !== BigInt(message.epoch)) return;
    this.timer.committed(pending.epoch + 1n, pending.timing.commitMs, pending.timing.wait);
    await this.#adoptOwnCommit(pending.commit);
  }

  #onCommitRejected(message: Msg<'commit-rejected'>): Promise<void> {
    const pending = this.#pending;
    if (pending !== undefined && pending.epoch === BigInt(message.epoch)) {
      // Lost the race: keep the current epoch; the winning commit arrives as `commit`.
      this.#pending = undefined;
    }
    if (message.reason === 'not-member') this.#lose('not-member');
    return Promise.resolve();
  }

  async #onCommit(message: Msg<'commit'>): Promise<void> {
    const phase = this.#phase;
    if (phase.kind !== 'member' || this.#ctx === undefined) return;
    const bytes = fromBase64(message.message);
    if (bytes === undefined) return this.#fail(message.epoch, 'malformed');
    const pending = this.#pending;
    if (pending !== undefined && pending.epoch === BigInt(message.epoch)) {
      this.#pending = undefined;
      // Our own commit, delivered back (e.g. after a reconnect ate the `commit-accepted`).
      if (bytesEqual(bytes, pending.commit.commit)) return this.#adoptOwnCommit(pending.commit);
    }
    const ctx = this.#ctx;
    let result;
    let processingMs: number;
    try {
      ({ value: result, ms: processingMs } = await this.#timed(() =>
        receiveMessage(ctx, phase.state, bytes),
      ));
    } catch {
      return this.#fail(message.epoch, 'malformed');
    }
    switch (result.kind) {
      case 'commit_applied':
        this.timer.processed(BigInt(message.epoch) + 1n, processingMs);
        this.#o.observer.findings(result.events);
        return this.#enterEpoch(result.state, result);
      case 'removed':
        this.#phase = { kind: 'gone' };
        this.#pending = undefined;
        this.#o.observer.removedByCommit();
        return;
      case 'rejected':
        this.#o.observer.findings(result.events);
        return this.#fail(message.epoch, result.reason);
      case 'future_epoch':
        return this.#fail(message.epoch, 'missed-commit');
      default:
        // A replay of an old commit, or another group's: epochs only move forward.
        return;
    }
  }

  async #onWelcome(message: Msg<'welcome'>): Promise<void> {
    const bundle = this.#bundle();
    if (this.#phase.kind !== 'awaiting-welcome' || this.#ctx === undefined || bundle === undefined)
      return;
    const bytes = fromBase64(message.message);
    if (bytes === undefined) return this.#fail(message.epoch, 'malformed');
    const ctx = this.#ctx;
    let result;
    let welcomeMs: number;
    try {
      ({ value: result, ms: welcomeMs } = await this.#timed(() =>
        joinFromWelcome(ctx, bytes, this.#o.device, bundle.privateBytes),
      ));
    } catch (error) {
      // A Welcome for another of this device's KeyPackages is not ours to process.
      if (error instanceof MlsError && error.code === 'not_for_us') return;
      return this.#fail(message.epoch, 'welcome-unreadable');
    }
    this.#o.observer.findings(result.events);
    if (result.kind === 'rejected') return this.#fail(message.epoch, result.reason);
    const self = this.#o.participantId();
    const wait = self === undefined ? undefined : message.waits?.[self];
    this.timer.welcomed(BigInt(message.epoch), welcomeMs, wait);
    this.#discardKeyPackage();
    await this.#enterEpoch(result.state, undefined);
  }

  async #onApplication(message: Msg<'app-message'>): Promise<void> {
    const phase = this.#phase;
    if (phase.kind !== 'member' || this.#ctx === undefined) return;
    const bytes = fromBase64(message.message);
    if (bytes === undefined) return;
    let result;
    try {
      result = await receiveMessage(this.#ctx, phase.state, bytes);
    } catch {
      return;
    }
    if (result.kind !== 'application') return;
    this.#phase = { kind: 'member', state: result.state };
    this.#o.observer.application(result.data, message.from);
  }

  async #adoptOwnCommit(commit: MadeCommit): Promise<void> {
    this.#pending = undefined;
    wipe(commit.consumed);
    await this.#enterEpoch(commit.state, commit);
  }

  async #enterEpoch(
    state: MeetingState,
    change:
      | { readonly added: readonly RosterEntry[]; readonly removed: readonly RosterEntry[] }
      | undefined,
  ): Promise<void> {
    this.#phase = { kind: 'member', state };
    // The cut-off matters more than a glitch: nobody removed may hear frames under keys they had.
    const sendersWait = change !== undefined && change.removed.length === 0;
    await syncKeyRing(this.#o.keys(), state, sendersWait ? 'later' : 'now');
    this.#o.inspect?.(state);
    this.#sendEpochReached(state);
    const roster = members(state);
    await this.#o.observer.epoch({
      sendersWait,
      epoch: epochOf(state),
      leafIndex: ownLeafIndex(state),
      roster,
      securityCode: securityCode(state),
      added: change?.added ?? roster.filter((m) => !m.self),
      removed: change?.removed ?? [],
    });
  }

  #sendEpochReached(state: MeetingState): void {
    this.#o.send({
      type: 'epoch-reached',
      meetingId: this.#o.meetingId,
      epoch: epochOf(state).toString(),
    });
  }

  /** Tells the server this member cannot follow the group; it will be removed and may rejoin. */
  #fail(epoch: string, reason: string): void {
    if (this.#phase.kind === 'gone') return;
    this.#o.send({
      type: 'commit-failed',
      meetingId: this.#o.meetingId,
      epoch,
      reason: reason.slice(0, 200),
    });
    this.#lose(reason);
  }

  #lose(reason: string): void {
    this.#phase = { kind: 'gone' };
    this.#pending = undefined;
    this.#o.observer.lostGroup(new ClientError('group_failed', { serverCode: reason }));
  }

  #bundle(): KeyPackageBundle | undefined {
    return this.#postQuantum ? this.#pqKeyPackage : this.#keyPackage;
  }

  #discardKeyPackage(): void {
    for (const bundle of [this.#keyPackage, this.#pqKeyPackage])
      if (bundle !== undefined) wipe([bundle.privateBytes]);
    this.#keyPackage = undefined;
    this.#pqKeyPackage = undefined;
  }

  /** `step` on this device's turn, with its own time (./turns.ts). */
  #timed<T>(step: () => Promise<T>): Promise<{ value: T; ms: number }> {
    return timedStep(this.#o.clock, this.#o.turns, step);
  }

  async #guard<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (cause) {
      if (cause instanceof ClientError) throw cause;
      throw new ClientError('group_failed', { cause });
    }
  }
}
