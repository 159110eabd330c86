// A small headless participant for the realtime tests: a real signaling socket and, for E2EE
// meetings, a real MLS member (@conclave/crypto/member) with its own authentication service over
// the server's directory. It follows docs/meeting-flow.md the way an SDK would: creates the group
// when asked, processes proposals, commits when requested, adopts its commit only once accepted,
// joins from Welcomes, reports every epoch it reaches. Behaviours let a test make it misbehave.
// (The real SDK lives in packages/client; this stays deliberately small.)
import { identityKey, type MemberIdentity, type MlsCrypto } from '@conclave/crypto/server';
import { createMlsCrypto, parseServerIdentity } from '@conclave/crypto/server';
/* eslint-disable no-restricted-imports -- the tests play MLS members; server code never imports the member side */
import {
  commitPending,
  commitUpdate,
  createAuthenticator,
  createDevice,
  createMeeting,
  createMeetingContext,
  encryptApplicationMessage,
  epoch,
  exportSFrameBaseKey,
  generateKeyPackage,
  InMemoryPinStore,
  joinFromWelcome,
  members,
  ownLeafIndex,
  receiveMessage,
  securityCode,
  wipe,
  type CommitResult,
  type DeviceCredential,
  type Directory,
  type DirectoryAnswer,
  type KeyPackageBundle,
  type MeetingContext,
  type MeetingState,
} from '@conclave/crypto/member';
/* eslint-enable no-restricted-imports */
import type {
  ClientInfo,
  ServerMessage,
} from '../../../../../packages/protocol/src/signaling/messages.ts';
import { frame } from '../../relay/helpers.ts';
import { client as httpClient } from '../../support/http.ts';
import { registerDevice, type Deployment, type SignedIn } from './deployment.ts';
import { SignalingSocket, type Msg } from './socket.ts';

let sharedCrypto: Promise<MlsCrypto> | undefined;
export const mlsCrypto = (): Promise<MlsCrypto> => (sharedCrypto ??= createMlsCrypto());

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const unb64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));

export interface Behaviour {
  /** Commit as soon as a proposal arrives, without waiting to be asked (a member that breaks the rules). */
  commitOnProposal?: boolean;
  /** Holds each commit it was asked for this long before sending it (a slow committer). */
  delayCommitMs?: number;
  /** Holds each commit it was asked for until this settles (a committer released by the test). */
  holdCommit?: Promise<void>;
  /** Claims another leaf than its own in every `epoch-reached` (a member that lies about where it sits). */
  claimLeaf?: (own: number) => number;
  /** Never says `epoch-reached` (a member whose epochs the server cannot confirm). */
  silentAboutEpochs?: boolean;
  /** Answer the next `commit` with `commit-failed` instead of processing it. */
  failNextCommit?: boolean;
  /** Never answer commit requests (a frozen committer). */
  ignoreCommitRequests?: boolean;
  /** A hung client: processes nothing, answers nothing. */
  frozen?: boolean;
  /** Users whose credentials this member's authentication service refuses. */
  refuseUsers?: ReadonlySet<string>;
}

type CommitCandidate = Extract<CommitResult, { kind: 'commit' }>;

/** The server's directory as this client sees it, fetched again when a device is unknown. */
class ServerDirectory implements Directory {
  private keys = new Map<string, Uint8Array>();

  constructor(
    private readonly owner: { readonly session: SignedIn },
    private readonly refuse: () => ReadonlySet<string> | undefined,
  ) {}

  private get session(): SignedIn {
    return this.owner.session;
  }

  async lookup(identity: MemberIdentity): Promise<DirectoryAnswer> {
    if (identity.tenantId !== this.session.tenantId) return { kind: 'unknown_device' };
    if (!this.keys.has(identityKey(identity))) await this.refresh();
    const key = this.keys.get(identityKey(identity));
    if (key === undefined) return { kind: 'unknown_device' };
    if (this.refuse()?.has(identity.userId) === true) return { kind: 'not_admitted' };
    return { kind: 'admitted', signaturePublicKey: key };
  }

  private async refresh(): Promise<void> {
    const reply = await this.session.call('GET', '/api/directory/users');
    const body = reply.body as {
      users: { id: string; devices: { id: string; signaturePublicKey: string }[] }[];
    };
    for (const user of body.users) {
      for (const device of user.devices) {
        const identity = { tenantId: this.session.tenantId, userId: user.id, deviceId: device.id };
        this.keys.set(identityKey(identity), unb64(device.signaturePublicKey));
      }
    }
  }
}

export class TestParticipant {
  socket!: SignalingSocket;
  readonly behaviour: Behaviour = {};
  ctx: MeetingContext | undefined;
  state: MeetingState | undefined;
  keyPackage: KeyPackageBundle | undefined;
  meetingId: string | undefined;
  participantId: string | undefined;
  relayId: number | undefined;
  role: string | undefined;
  readonly accepted: string[] = [];
  readonly rejected: Msg<'commit-rejected'>[] = [];
  readonly welcomes: string[] = [];
  readonly sentCommits: { epoch: string; welcome: string | undefined }[] = [];
  readonly chat: string[] = [];
  /** What went wrong while processing (should stay empty unless a test provokes it). */
  readonly problems: string[] = [];
  private candidate: CommitCandidate | undefined;
  private work: Promise<void> = Promise.resolve();
  private readonly pins = new InMemoryPinStore();
  private readonly directory: ServerDirectory;

  private constructor(
    readonly name: string,
    public session: SignedIn,
    readonly device: DeviceCredential,
    readonly crypto: MlsCrypto,
  ) {
    this.directory = new ServerDirectory(this, () => this.behaviour.refuseUsers);
  }

  /** A new device for `session`'s user, registered in the directory. */
  static async create(session: SignedIn, name: string = session.person): Promise<TestParticipant> {
    const crypto = await mlsCrypto();
    const draft = await createDevice(crypto, {
      tenantId: session.tenantId,
      userId: session.userId,
      deviceId: 'unregistered',
    });
    const deviceId = await registerDevice(session, b64(draft.keyPair.publicKey), name);
    const device: DeviceCredential = {
      identity: { tenantId: session.tenantId, userId: session.userId, deviceId },
      keyPair: draft.keyPair,
    };
    return new TestParticipant(name, session, device, crypto);
  }

  get deviceId(): string {
    return this.device.identity.deviceId;
  }

  /** Opens a socket and says hello; resolves on `ready`. */
  async connect(wsUrl: string, client: Partial<ClientInfo> = {}): Promise<void> {
    // The server may have moved (a restart on another port): HTTP follows the socket.
    const base = wsUrl.replace(/^ws/, 'http').replace(/\/api\/realtime$/, '');
    this.session = { ...this.session, call: httpClient(base, this.session.token) };
    this.socket = await SignalingSocket.open(wsUrl);
    this.socket.onMessage = (message) => {
      this.work = this.work
        .then(() => this.process(message))
        .catch((error: unknown) => {
          this.problems.push(
            error instanceof Error ? `${error.name}: ${error.message}` : String(error),
          );
        });
      void this.work.then(() => this.socket.wake());
    };
    this.socket.send({
      type: 'hello',
      token: this.session.token,
      deviceId: this.deviceId,
      client: { platform: 'linux', version: '1.0.0', e2eeMedia: true, ...client },
    });
    await this.socket.waitFor('ready');
  }

  /**
   * Sends `join` (with a fresh KeyPackage unless resuming) and resolves with the answer: `joined`,
   * `join-blocked` or `error`.
   */
  async join(
    meetingId: string,
    options: { resume?: boolean; keyPackage?: Uint8Array | null } = {},
  ): Promise<Msg<'joined'> | Msg<'join-blocked'> | Msg<'lobby'> | Msg<'error'>> {
    this.meetingId = meetingId;
    const from = this.socket.received.length;
    const message: Record<string, unknown> = { type: 'join', meetingId };
    if (options.resume === true && this.state !== undefined) {
      message.resumeEpoch = epoch(this.state).toString();
    } else if (options.keyPackage !== null) {
      this.keyPackage = await generateKeyPackage(this.crypto, this.device);
      message.keyPackage = b64(options.keyPackage ?? this.keyPackage.publicBytes);
    }
    this.socket.send(message);
    const answer = await Promise.race([
      this.socket.waitFor('joined', () => true, { from }),
      this.socket.waitFor('join-blocked', () => true, { from }),
      this.socket.waitFor('lobby', () => true, { from }),
      this.socket.waitFor('error', () => true, { from }),
    ]);
    await this.settled();
    return answer;
  }

  leave(): void {
    if (this.meetingId !== undefined)
      this.socket.send({ type: 'leave', meetingId: this.meetingId });
  }

  /** Sends an E2EE chat line as an MLS application message. */
  async sendChat(text: string): Promise<void> {
    await this.settled();
    if (this.ctx === undefined || this.state === undefined)
      throw new Error(`${this.name} is not in a group`);
    const result = await encryptApplicationMessage(
      this.ctx,
      this.state,
      new TextEncoder().encode(text),
    );
    this.state = result.state;
    wipe(result.consumed);
    this.socket.send({
      type: 'app-message',
      meetingId: this.meetingId,
      epoch: epoch(this.state).toString(),
      message: b64(result.message),
    });
  }

  /**
   * Sends one media frame (opaque filler: the relay never decrypts) carrying `seq`, on this
   * participant's own audio stream.
   */
  sendFrame(seq: number): void {
    if (this.relayId === undefined) throw new Error(`${this.name} has no relay id`);
    this.socket.sendRaw(frame({ sender: this.relayId, mediaKind: 'audio', seq }));
  }

  get epoch(): bigint | undefined {
    return this.state?.kind === 'active' ? epoch(this.state) : undefined;
  }

  get securityCode(): string | undefined {
    return this.state?.kind === 'active' ? securityCode(this.state) : undefined;
  }

  /** The current epoch's SFrame base key (MLS exporter): what the server must never hold. */
  async baseKey(): Promise<Uint8Array> {
    if (this.state?.kind !== 'active') throw new Error(`${this.name} is not in a group`);
    return exportSFrameBaseKey(this.state);
  }

  get leafIndex(): number | undefined {
    return this.state?.kind === 'active' ? ownLeafIndex(this.state) : undefined;
  }

  /** Device ids in this member's MLS roster, sorted. */
  get roster(): string[] {
    if (this.state?.kind !== 'active') return [];
    return members(this.state)
      .map((m) => m.identity?.deviceId ?? '?')
      .sort();
  }

  /** Resolves once everything received so far has been processed. */
  async settled(): Promise<void> {
    let current: Promise<void>;
    do {
      current = this.work;
      await current;
    } while (current !== this.work);
  }

  /** Waits until this member's group is at `target` (or later). */
  async reachEpoch(target: bigint, timeoutMs = 10_000): Promise<void> {
    await this.socket.until(
      () => (this.epoch ?? -1n) >= target,
      timeoutMs,
      `${this.name} to reach epoch ${target}`,
    );
    await this.settled();
  }

  // ---- protocol -----------------------------------------------------------------------------------

  private async process(message: ServerMessage): Promise<void> {
    if (this.behaviour.frozen === true) return;
    switch (message.type) {
      case 'joined':
        return this.onJoined(message);
      case 'proposal':
        return this.onProposal(message);
      case 'commit-request':
        if (this.behaviour.ignoreCommitRequests !== true) await this.commit(message.reason);
        return;
      case 'commit-accepted':
        return this.onAccepted(message);
      case 'commit-rejected':
        this.rejected.push(message);
        this.candidate = undefined;
        return;
      case 'commit':
        return this.onCommit(message);
      case 'welcome':
        return this.onWelcome(message);
      case 'app-message':
        return this.onAppMessage(message);
      default:
        return;
    }
  }

  private async onJoined(message: Msg<'joined'>): Promise<void> {
    this.participantId = message.participantId;
    this.relayId = message.relayId;
    this.role = message.mls?.role;
    const mls = message.mls;
    if (mls === undefined) return;
    if (this.ctx === undefined) {
      this.ctx = createMeetingContext({
        crypto: this.crypto,
        authenticator: createAuthenticator({ directory: this.directory, pins: this.pins }),
        server: {
          identity: parseServerIdentity(unb64(mls.externalSender.identity)),
          publicKey: unb64(mls.externalSender.signaturePublicKey),
        },
      });
    }
    if (mls.role === 'create-group') {
      this.state = await createMeeting(this.ctx, this.device, { groupId: unb64(mls.groupId) });
      this.send({ type: 'group-created', meetingId: message.meetingId, groupId: mls.groupId });
      this.reportEpoch();
    } else if (mls.role === 'await-welcome') {
      this.state = undefined;
    }
  }

  private async onProposal(message: Msg<'proposal'>): Promise<void> {
    if (this.ctx === undefined || this.state?.kind !== 'active') return;
    const result = await receiveMessage(this.ctx, this.state, unb64(message.message));
    if (result.kind === 'proposal_pending') {
      this.state = result.state;
      if (this.behaviour.commitOnProposal === true) await this.commit('proposals');
    } else if (result.kind === 'rejected') {
      this.send({
        type: 'proposal-rejected',
        meetingId: message.meetingId,
        proposalId: message.proposalId,
        // As the SDK does: an Add no organizer admitted is said precisely (the server audits it).
        reason: result.events.some((e) => e.kind === 'rejected' && e.reason === 'not_admitted')
          ? 'not_admitted'
          : result.reason,
      });
    } else if (result.kind !== 'stale_epoch') {
      this.problems.push(`proposal ${result.kind}`);
    }
  }

  private async commit(reason: 'proposals' | 'update'): Promise<void> {
    if (this.ctx === undefined || this.state?.kind !== 'active' || this.candidate !== undefined)
      return;
    let result =
      reason === 'update'
        ? await commitUpdate(this.ctx, this.state)
        : await commitPending(this.ctx, this.state);
    if (result.kind === 'nothing_to_commit') result = await commitUpdate(this.ctx, this.state);
    if (result.kind !== 'commit') return;
    this.candidate = result;
    const epochText = epoch(this.state).toString();
    const welcome = result.welcome === undefined ? undefined : b64(result.welcome);
    this.sentCommits.push({ epoch: epochText, welcome });
    const delay = this.behaviour.delayCommitMs;
    if (delay !== undefined) await new Promise((resolve) => setTimeout(resolve, delay));
    await this.behaviour.holdCommit;
    this.send({
      type: 'commit',
      meetingId: this.meetingId,
      epoch: epochText,
      commit: b64(result.commit),
      ...(welcome === undefined ? {} : { welcome }),
    });
  }

  private onAccepted(message: Msg<'commit-accepted'>): void {
    const candidate = this.candidate;
    if (
      candidate === undefined ||
      this.state === undefined ||
      epoch(this.state).toString() !== message.epoch
    ) {
      this.problems.push('commit-accepted without a matching commit');
      return;
    }
    this.accepted.push(message.epoch);
    this.state = candidate.state;
    wipe(candidate.consumed);
    this.candidate = undefined;
    this.reportEpoch();
  }

  private async onCommit(message: Msg<'commit'>): Promise<void> {
    if (this.ctx === undefined || this.state?.kind !== 'active') return;
    if (this.behaviour.failNextCommit === true) {
      this.behaviour.failNextCommit = false;
      this.send({
        type: 'commit-failed',
        meetingId: message.meetingId,
        epoch: message.epoch,
        reason: 'test: cannot process',
      });
      return;
    }
    const result = await receiveMessage(this.ctx, this.state, unb64(message.message));
    switch (result.kind) {
      case 'commit_applied':
        this.state = result.state;
        this.reportEpoch();
        return;
      case 'removed':
        this.state = result.state;
        return;
      case 'stale_epoch':
        return;
      default:
        this.problems.push(`commit ${result.kind}`);
        this.send({
          type: 'commit-failed',
          meetingId: message.meetingId,
          epoch: message.epoch,
          reason: result.kind,
        });
    }
  }

  private async onWelcome(message: Msg<'welcome'>): Promise<void> {
    this.welcomes.push(message.message);
    if (this.ctx === undefined || this.keyPackage === undefined) {
      this.problems.push('welcome without a KeyPackage');
      return;
    }
    const result = await joinFromWelcome(
      this.ctx,
      unb64(message.message),
      this.device,
      this.keyPackage.privateBytes,
    );
    if (result.kind !== 'joined') {
      this.problems.push(`welcome ${result.reason}`);
      return;
    }
    this.state = result.state;
    this.reportEpoch();
  }

  private async onAppMessage(message: Msg<'app-message'>): Promise<void> {
    if (this.ctx === undefined || this.state?.kind !== 'active') return;
    const result = await receiveMessage(this.ctx, this.state, unb64(message.message));
    if (result.kind !== 'application') {
      this.problems.push(`app-message ${result.kind}`);
      return;
    }
    this.state = result.state;
    this.chat.push(new TextDecoder().decode(result.data));
  }

  private reportEpoch(): void {
    if (this.state?.kind !== 'active' || this.behaviour.silentAboutEpochs === true) return;
    this.send({
      type: 'epoch-reached',
      meetingId: this.meetingId,
      epoch: epoch(this.state).toString(),
      ...(this.behaviour.claimLeaf === undefined
        ? {}
        : { leafIndex: this.behaviour.claimLeaf(ownLeafIndex(this.state)) }),
    });
  }

  private send(message: Record<string, unknown>): void {
    if (this.socket.open) this.socket.send(message);
  }
}

/** Waits until every participant is on one epoch (at least `atLeast`); returns it. */
export async function converged(
  participants: readonly TestParticipant[],
  atLeast: bigint,
  timeoutMs = 10_000,
): Promise<bigint> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await Promise.all(participants.map((p) => p.settled()));
    const epochs = participants.map((p) => p.epoch);
    const [first] = epochs;
    if (first !== undefined && first >= atLeast && epochs.every((e) => e === first)) return first;
    if (Date.now() > deadline) {
      throw new Error(
        `no convergence: ${participants.map((p) => `${p.name}@${String(p.epoch)} ${p.problems.join('/')}`).join(', ')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export type { Deployment };
