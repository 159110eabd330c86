// A small stand-in for the Conclave server, in memory, for the SDK's unit tests: the REST calls
// the SDK makes, and the realtime side of docs/meeting-flow.md (hello/ready, join, the MLS
// delivery service as an external sender with batching and one committer, the relay). It signs
// real external proposals with the server-safe crypto entry, so the SDK runs real MLS against it.
// Hooks let tests do what a hostile server or a bad network would.
import {
  createMlsCrypto,
  encodeServerIdentity,
  generateExternalSender,
  proposeExternalAdd,
  proposeExternalRemove,
  proposalReference,
  readPublicCommit,
  type ExternalSenderKeyPair,
  type MlsCrypto,
} from '@conclave/crypto/server';
import { randomBytes, randomUUID } from 'node:crypto';
import { createDevice, signAdmission, type DeviceCredential } from '@conclave/crypto/member';
import { fromBase64, toBase64 } from '../../src/bytes.ts';
import type { WebSocketFactory } from '../../src/index.ts';
import { decodeEnvelope, type ClientMessage, type ServerMessage } from '../../src/wire.ts';
import { clientMessageSchema } from '../../../protocol/src/signaling/messages.ts';
import { MemorySocket, type ServerEnd } from './memory-socket.ts';

interface User {
  readonly id: string;
  readonly displayName: string;
  readonly token: string;
}
interface Device {
  readonly id: string;
  readonly userId: string;
  signaturePublicKey: string;
}
interface Participant {
  readonly id: string;
  readonly userId: string;
  readonly deviceId: string;
  readonly displayName: string;
  readonly relayId: number;
  conn: Conn | undefined;
  leafIndex: number | undefined;
  inGroup: boolean;
  /** The newest epoch it said it reached (`epoch-reached`). */
  reached?: bigint;
  graceTimer: NodeJS.Timeout | undefined;
}
type Proposal =
  | { readonly kind: 'add'; readonly participantId: string; readonly keyPackage: Uint8Array }
  | { readonly kind: 'remove'; readonly leafIndex: number; readonly deviceId: string };
interface MeetingRt {
  readonly id: string;
  readonly e2ee: boolean;
  readonly groupId: Uint8Array;
  created: boolean;
  creator: string | undefined;
  epoch: bigint;
  readonly participants: Map<string, Participant>;
  nextRelay: number;
  readonly proposals: Map<string, Proposal>;
  /** ProposalRef → proposal id: how the fake, like the real server, reads what a commit applies. */
  readonly refs: Map<string, string>;
  readonly commits: Map<bigint, Uint8Array>;
  inFlight: { readonly epoch: bigint; readonly asked: number; timer: NodeJS.Timeout } | undefined;
  batchTimer: NodeJS.Timeout | undefined;
  mediaEpoch: bigint;
  /** The epoch `epoch-confirmed` was last sent for, as the real delivery service does. */
  confirmed?: bigint;
}
interface Conn {
  readonly end: ServerEnd;
  user: User | undefined;
  deviceId: string | undefined;
  meeting: MeetingRt | undefined;
  participant: Participant | undefined;
}

export interface FakeServerOptions {
  /** Before a disconnected participant is removed. Default 3 s. */
  readonly graceMs?: number;
  /** Ask every member to commit (to test concurrent commits). Default: the lowest leaf only. */
  readonly askEveryone?: boolean;
}

export class FakeServer {
  readonly url = 'http://conclave.test';
  readonly tenantId = 'tenant-1';
  readonly users = new Map<string, User>();
  readonly devices = new Map<string, Device>();
  readonly meetings = new Map<string, MeetingRt>();
  /** Every binary frame the relay forwarded: (from relay id, to relay id, bytes). */
  readonly forwarded: { from: number; to: number; bytes: Uint8Array }[] = [];
  /** Every signaling message sent to clients, for assertions. */
  readonly sent: { to: string | undefined; message: ServerMessage }[] = [];
  readonly options: FakeServerOptions;
  /** Users whose next `commit` arrives corrupted (a member that cannot follow the group). */
  readonly corruptNextCommitFor = new Set<string>();
  /** Users the admission lists leave out (a server that adds someone no one admitted). */
  readonly unlisted = new Set<string>();
  /** Each joiner's own wait a Welcome says (`welcome.waits`), given whom it adds; default none. */
  welcomeWaits:
    | ((joiners: readonly string[]) => Record<string, { waitedMs: number; blockedMs: number }>)
    | undefined;
  /** A hostile relay: may alter (or drop, with null) each frame on its way to one receiver. */
  intercept:
    ((frame: { from: number; to: number; bytes: Uint8Array }) => Uint8Array | null) | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  /** The list's sequence: each read signs a newer list (the unlisted may have changed). */
  #listSequence = 0;

  private constructor(
    readonly crypto: MlsCrypto,
    readonly signer: ExternalSenderKeyPair,
    /** The organizer of every meeting: a device whose key signs the invitation lists. */
    readonly organizer: DeviceCredential,
    options: FakeServerOptions,
  ) {
    this.options = options;
    const user: User = { id: organizer.identity.userId, displayName: 'Organizer', token: '' };
    this.users.set(`organizer-${randomUUID()}`, user);
    this.devices.set(organizer.identity.deviceId, {
      id: organizer.identity.deviceId,
      userId: user.id,
      signaturePublicKey: toBase64(organizer.keyPair.publicKey),
    });
  }

  static async create(options: FakeServerOptions = {}): Promise<FakeServer> {
    const crypto = await createMlsCrypto();
    const signer = await generateExternalSender(crypto, { tenantId: 'tenant-1', serverId: 'fake' });
    const organizer = await createDevice(crypto, {
      tenantId: 'tenant-1',
      userId: 'user-organizer',
      deviceId: 'device-organizer',
    });
    return new FakeServer(crypto, signer, organizer, options);
  }

  addUser(name: string): User {
    const user: User = {
      id: `user-${name}`,
      displayName: name,
      token: `token-${name}-${randomUUID()}`,
    };
    this.users.set(user.token, user);
    return user;
  }

  createMeeting(options: { e2ee: boolean }): string {
    const id = `meeting-${randomUUID()}`;
    this.meetings.set(id, {
      id,
      e2ee: options.e2ee,
      groupId: randomBytes(16),
      created: false,
      creator: undefined,
      epoch: 0n,
      participants: new Map(),
      nextRelay: 1,
      proposals: new Map(),
      refs: new Map(),
      commits: new Map(),
      inFlight: undefined,
      batchTimer: undefined,
      mediaEpoch: 0n,
    });
    return id;
  }

  readonly fetch: typeof fetch = (input, init) =>
    this.#rest(input instanceof Request ? input.url : input.toString(), init);

  readonly webSocket: WebSocketFactory = (url) => {
    if (!url.endsWith('/api/realtime')) throw new Error(`unexpected URL ${url}`);
    return new MemorySocket((end) => {
      const conn: Conn = {
        end,
        user: undefined,
        deviceId: undefined,
        meeting: undefined,
        participant: undefined,
      };
      return {
        message: (data) => void this.#serial(() => this.#onMessage(conn, data)),
        closed: () => void this.#serial(() => this.#onClosed(conn)),
      };
    });
  };

  // ---- hooks ---------------------------------------------------------------------------------

  participant(meetingId: string, userId: string): Participant {
    const p = [...this.#meeting(meetingId).participants.values()].find((x) => x.userId === userId);
    if (p === undefined) throw new Error(`no participant for ${userId}`);
    return p;
  }

  /** A network failure on that participant's socket. */
  dropConnection(meetingId: string, userId: string): void {
    this.participant(meetingId, userId).conn?.end.drop();
  }

  /** Messages to one participant, back to back (a burst as a busy server sends it). */
  sendTo(meetingId: string, userId: string, messages: readonly ServerMessage[]): void {
    const conn = this.participant(meetingId, userId).conn;
    for (const message of messages) this.#send(conn, message);
  }

  /** A hostile server: an external Add, validly signed, for any KeyPackage. */
  async proposeAdd(meetingId: string, keyPackage: Uint8Array): Promise<string> {
    return this.#serial(async () => {
      const meeting = this.#meeting(meetingId);
      const id = randomUUID();
      const message = await proposeExternalAdd(
        this.crypto,
        this.signer,
        { groupId: meeting.groupId, epoch: meeting.epoch },
        keyPackage,
      );
      for (const member of this.#members(meeting)) {
        this.#send(member.conn, {
          type: 'proposal',
          meetingId,
          proposalId: id,
          epoch: meeting.epoch.toString(),
          message: toBase64(message),
        });
      }
      return id;
    });
  }

  /** A hostile directory: another key for an existing device. */
  setDeviceKey(deviceId: string, key: Uint8Array): void {
    const device = this.devices.get(deviceId);
    if (device === undefined) throw new Error('no such device');
    device.signaturePublicKey = toBase64(key);
  }

  epochOf(meetingId: string): bigint {
    return this.#meeting(meetingId).epoch;
  }

  /** Resolves once every message received so far was handled. */
  settled(): Promise<void> {
    return this.#queue.then(() => undefined);
  }

  close(): void {
    for (const meeting of this.meetings.values()) {
      clearTimeout(meeting.batchTimer);
      if (meeting.inFlight !== undefined) clearTimeout(meeting.inFlight.timer);
      for (const p of meeting.participants.values()) clearTimeout(p.graceTimer);
    }
  }

  // ---- REST ----------------------------------------------------------------------------------

  async #rest(url: string, init: RequestInit | undefined): Promise<Response> {
    const path = new URL(url).pathname;
    const auth = new Headers(init?.headers).get('authorization') ?? '';
    const user = this.users.get(auth.replace(/^Bearer /, ''));
    if (user === undefined)
      return json(401, { error: { code: 'UNAUTHENTICATED', message: 'Sign in.' } });
    const method = init?.method ?? 'GET';
    const now = new Date().toISOString();
    if (method === 'GET' && path === '/api/me') {
      return json(200, {
        user: {
          id: user.id,
          tenantId: this.tenantId,
          email: `${user.displayName}@example.org`,
          displayName: user.displayName,
          role: 'user',
          premium: true,
          groups: [],
          settings: { e2eeCalls: true },
          mustChangePassword: false,
          disabled: false,
          createdAt: now,
        },
      });
    }
    const view = (d: Device) => ({
      id: d.id,
      name: 'device',
      signaturePublicKey: d.signaturePublicKey,
      createdAt: now,
    });
    if (method === 'POST' && path === '/api/devices') {
      const body = JSON.parse(typeof init?.body === 'string' ? init.body : '{}') as {
        signaturePublicKey: string;
      };
      const device: Device = {
        id: `device-${randomUUID()}`,
        userId: user.id,
        signaturePublicKey: body.signaturePublicKey,
      };
      this.devices.set(device.id, device);
      return json(201, { device: view(device) });
    }
    if (method === 'GET' && path === '/api/devices') {
      return json(200, {
        devices: [...this.devices.values()].filter((d) => d.userId === user.id).map(view),
      });
    }
    if (method === 'GET' && path === '/api/directory/users') {
      return json(200, {
        users: [...this.users.values()].map((u) => ({
          id: u.id,
          displayName: u.displayName,
          devices: [...this.devices.values()]
            .filter((d) => d.userId === u.id)
            .map((d) => ({ id: d.id, signaturePublicKey: d.signaturePublicKey })),
        })),
      });
    }
    const admissions = /^\/api\/directory\/admissions\/([^/]+)$/.exec(path);
    if (method === 'GET' && admissions !== null) {
      const id = decodeURIComponent(admissions[1]!);
      if (!this.meetings.has(id))
        return json(404, { error: { code: 'NOT_FOUND', message: 'Not found.' } });
      // Every user of the stand-in is invited to every meeting, but those the test left out: the
      // organizer's device signs that list (members admit only whom it names).
      const listed = [...this.users.values()].filter((u) => !this.unlisted.has(u.id));
      const signed = await signAdmission(this.crypto, this.organizer.keyPair.privateKey, {
        kind: 'invitation-list',
        tenantId: this.tenantId,
        meetingId: id,
        signer: this.organizer.identity,
        sequence: ++this.#listSequence,
        issuedAt: Date.now(),
        expiresAt: Date.now() + 3_600_000,
        users: listed.map((u) => u.id),
        coOrganizers: [],
      });
      return json(200, {
        id,
        kind: 'meeting',
        organizer: this.organizer.identity.userId,
        signed: [{ statement: toBase64(signed.statement), signature: toBase64(signed.signature) }],
        users: listed.map((u) => ({
          userId: u.id,
          displayName: u.displayName,
          email: `${u.displayName}@example.org`,
          basis: 'invitee',
        })),
      });
    }
    return json(404, { error: { code: 'NOT_FOUND', message: 'Not found.' } });
  }

  // ---- signaling -----------------------------------------------------------------------------

  #serial<T>(task: () => Promise<T> | T): Promise<T> {
    const run = this.#queue.then(task);
    this.#queue = run.catch((error: unknown) => {
      process.stderr.write(`fake server task failed: ${String(error)}\n`);
    });
    return run;
  }

  async #onMessage(conn: Conn, data: string | Uint8Array): Promise<void> {
    if (typeof data !== 'string') return this.#relay(conn, data);
    const parsed = clientMessageSchema.safeParse(JSON.parse(data));
    if (!parsed.success) {
      this.#send(conn, { type: 'error', code: 'bad_message', message: 'bad message' });
      return;
    }
    const message = parsed.data;
    if (message.type === 'hello') {
      const user = message.token === undefined ? undefined : this.users.get(message.token);
      const device = this.devices.get(message.deviceId);
      if (user === undefined || device?.userId !== user.id) {
        this.#send(conn, { type: 'error', code: 'unauthenticated', message: 'no' });
        conn.end.close(4401);
        return;
      }
      conn.user = user;
      conn.deviceId = device.id;
      this.#send(conn, { type: 'ready', userId: user.id, deviceId: device.id });
      return;
    }
    if (conn.user === undefined) return;
    if (message.type === 'ping') {
      this.#send(conn, { type: 'pong', nonce: message.nonce });
      return;
    }
    if (message.type === 'join') return this.#onJoin(conn, message);
    const meeting = conn.meeting;
    const p = conn.participant;
    if (
      meeting === undefined ||
      p === undefined ||
      ('meetingId' in message && message.meetingId !== meeting.id)
    )
      return;
    switch (message.type) {
      case 'group-created':
        if (meeting.creator === p.id) {
          meeting.created = true;
          p.leafIndex = 0;
        }
        return;
      case 'epoch-reached':
        if (BigInt(message.epoch) === meeting.epoch) {
          p.inGroup = true;
          p.reached = meeting.epoch;
          this.#confirmIfAllReached(meeting);
          if (meeting.epoch === 0n && meeting.creator === p.id)
            await this.#proposePendingJoiners(meeting);
        }
        return;
      case 'proposal-rejected':
        return this.#onProposalRejected(meeting, message.proposalId);
      case 'commit':
        return this.#onCommit(meeting, p, message);
      case 'commit-failed':
        this.#send(conn, { type: 'removed', meetingId: meeting.id, reason: 'commit-failed' });
        return this.#removeParticipant(meeting, p);
      case 'app-message':
        for (const member of this.#members(meeting)) {
          if (member !== p) {
            this.#send(member.conn, {
              type: 'app-message',
              meetingId: meeting.id,
              epoch: message.epoch,
              from: p.id,
              message: message.message,
            });
          }
        }
        return;
      case 'chat':
        for (const other of meeting.participants.values()) {
          this.#send(other.conn, {
            type: 'chat',
            meetingId: meeting.id,
            from: p.id,
            displayName: p.displayName,
            text: message.text,
            at: new Date().toISOString(),
          });
        }
        return;
      case 'leave':
        this.#send(conn, { type: 'removed', meetingId: meeting.id, reason: 'left' });
        conn.meeting = undefined;
        conn.participant = undefined;
        return this.#removeParticipant(meeting, p);
      default:
        return;
    }
  }

  async #onJoin(conn: Conn, message: Extract<ClientMessage, { type: 'join' }>): Promise<void> {
    const meeting = this.meetings.get(message.meetingId);
    const user = conn.user!;
    if (meeting === undefined) {
      this.#send(conn, {
        type: 'join-blocked',
        meetingId: message.meetingId,
        reasons: [{ code: 'MEETING_NOT_FOUND', severity: 'error', message: 'No such meeting.' }],
      });
      return;
    }
    if (message.resumeEpoch !== undefined) {
      const p = [...meeting.participants.values()].find(
        (x) => x.userId === user.id && x.deviceId === conn.deviceId,
      );
      if (p !== undefined && p.inGroup) {
        clearTimeout(p.graceTimer);
        p.graceTimer = undefined;
        p.conn = conn;
        conn.meeting = meeting;
        conn.participant = p;
        this.#send(conn, this.#joined(meeting, p, 'resume'));
        for (let e = BigInt(message.resumeEpoch); e < meeting.epoch; e++) {
          const commit = meeting.commits.get(e);
          if (commit !== undefined)
            this.#send(conn, {
              type: 'commit',
              meetingId: meeting.id,
              epoch: e.toString(),
              message: toBase64(commit),
            });
        }
        this.#broadcastParticipants(meeting);
        return;
      }
    }
    const p: Participant = {
      id: `participant-${randomUUID()}`,
      userId: user.id,
      deviceId: conn.deviceId!,
      displayName: user.displayName,
      relayId: meeting.nextRelay++,
      conn,
      leafIndex: undefined,
      inGroup: false,
      graceTimer: undefined,
    };
    meeting.participants.set(p.id, p);
    conn.meeting = meeting;
    conn.participant = p;
    if (!meeting.e2ee) {
      this.#send(conn, {
        type: 'joined',
        meetingId: meeting.id,
        participantId: p.id,
        relayId: p.relayId,
        endToEndEncryption: false,
      });
      this.#broadcastParticipants(meeting);
      this.#rotateMediaKey(meeting);
      return;
    }
    if (meeting.creator === undefined) {
      meeting.creator = p.id;
      this.#send(conn, this.#joined(meeting, p, 'create-group'));
      this.#broadcastParticipants(meeting);
      return;
    }
    const keyPackage =
      message.keyPackage === undefined ? undefined : fromBase64(message.keyPackage);
    if (keyPackage === undefined) {
      this.#send(conn, {
        type: 'error',
        code: 'key_package_required',
        message: 'A KeyPackage is required.',
      });
      return;
    }
    this.#send(conn, this.#joined(meeting, p, 'await-welcome'));
    this.#broadcastParticipants(meeting);
    const proposal: Proposal = { kind: 'add', participantId: p.id, keyPackage };
    // A device holds one leaf: its Add waits until the Remove of its old leaf is committed.
    if (
      meeting.created &&
      this.#members(meeting).length > 0 &&
      !this.#leafLeaving(meeting, p.deviceId)
    )
      await this.#propose(meeting, proposal);
    else meeting.proposals.set(`waiting-${p.id}`, proposal);
  }

  #leafLeaving(meeting: MeetingRt, deviceId: string): boolean {
    return [...meeting.proposals.values()].some(
      (q) => q.kind === 'remove' && q.deviceId === deviceId,
    );
  }

  #joined(
    meeting: MeetingRt,
    p: Participant,
    role: 'create-group' | 'await-welcome' | 'resume',
  ): ServerMessage {
    return {
      type: 'joined',
      meetingId: meeting.id,
      participantId: p.id,
      relayId: p.relayId,
      endToEndEncryption: true,
      mls: {
        role,
        groupId: toBase64(meeting.groupId),
        externalSender: {
          signaturePublicKey: toBase64(this.signer.publicKey),
          identity: toBase64(encodeServerIdentity(this.signer.identity)),
        },
        cipherSuite: 1,
      },
    };
  }

  async #proposePendingJoiners(meeting: MeetingRt): Promise<void> {
    for (const [id, proposal] of [...meeting.proposals]) {
      if (!id.startsWith('waiting-')) continue;
      const joiner =
        proposal.kind === 'add' ? meeting.participants.get(proposal.participantId) : undefined;
      if (joiner !== undefined && this.#leafLeaving(meeting, joiner.deviceId)) continue;
      meeting.proposals.delete(id);
      await this.#propose(meeting, proposal);
    }
  }

  async #propose(meeting: MeetingRt, proposal: Proposal): Promise<void> {
    const target = { groupId: meeting.groupId, epoch: meeting.epoch };
    const message =
      proposal.kind === 'add'
        ? await proposeExternalAdd(this.crypto, this.signer, target, proposal.keyPackage)
        : await proposeExternalRemove(this.crypto, this.signer, target, proposal.leafIndex);
    const id = randomUUID();
    meeting.proposals.set(id, proposal);
    meeting.refs.set(await proposalReference(this.crypto, message), id);
    const about =
      proposal.kind === 'add'
        ? { kind: 'add' as const, participantId: proposal.participantId }
        : { kind: 'remove' as const };
    for (const member of this.#members(meeting)) {
      this.#send(member.conn, {
        type: 'proposal',
        meetingId: meeting.id,
        proposalId: id,
        epoch: meeting.epoch.toString(),
        message: toBase64(message),
        ...about,
      });
    }
    this.#scheduleCommit(meeting);
  }

  #scheduleCommit(meeting: MeetingRt): void {
    if (meeting.batchTimer !== undefined || meeting.inFlight !== undefined) return;
    meeting.batchTimer = setTimeout(() => {
      meeting.batchTimer = undefined;
      void this.#serial(() => this.#askForCommit(meeting, 0));
    }, 20);
  }

  #askForCommit(meeting: MeetingRt, attempt: number): void {
    const pending = [...meeting.proposals.keys()].filter((id) => !id.startsWith('waiting-'));
    if (pending.length === 0 || meeting.inFlight !== undefined) return;
    const members = this.#members(meeting).sort((a, b) => (a.leafIndex ?? 0) - (b.leafIndex ?? 0));
    if (members.length === 0) return;
    const asked =
      this.options.askEveryone === true ? members : [members[attempt % members.length]!];
    const epoch = meeting.epoch;
    for (const member of asked) {
      this.#send(member.conn, {
        type: 'commit-request',
        meetingId: meeting.id,
        epoch: epoch.toString(),
        reason: 'proposals',
      });
    }
    const timer = setTimeout(() => {
      void this.#serial(() => {
        if (meeting.inFlight?.epoch !== epoch || meeting.epoch !== epoch) return;
        meeting.inFlight = undefined;
        this.#askForCommit(meeting, attempt + 1);
      });
    }, 2_000);
    meeting.inFlight = { epoch, asked: attempt, timer };
  }

  async #onCommit(
    meeting: MeetingRt,
    author: Participant,
    message: Extract<ClientMessage, { type: 'commit' }>,
  ): Promise<void> {
    const epoch = BigInt(message.epoch);
    if (epoch !== meeting.epoch || !author.inGroup) {
      this.#send(author.conn, {
        type: 'commit-rejected',
        meetingId: meeting.id,
        epoch: message.epoch,
        reason:
          epoch > meeting.epoch ? 'future-epoch' : author.inGroup ? 'stale-epoch' : 'not-member',
        currentEpoch: meeting.epoch.toString(),
      });
      return;
    }
    const commit = fromBase64(message.commit)!;
    meeting.commits.set(epoch, commit);
    if (meeting.inFlight !== undefined) clearTimeout(meeting.inFlight.timer);
    meeting.inFlight = undefined;
    this.#send(author.conn, {
      type: 'commit-accepted',
      meetingId: meeting.id,
      epoch: message.epoch,
    });
    for (const member of this.#members(meeting)) {
      if (member === author) continue;
      const corrupt = this.corruptNextCommitFor.delete(member.userId);
      const bytes = corrupt ? commit.map((b, i) => (i === commit.length - 1 ? b ^ 1 : b)) : commit;
      this.#send(member.conn, {
        type: 'commit',
        meetingId: meeting.id,
        epoch: message.epoch,
        message: toBase64(bytes),
      });
    }
    meeting.epoch = epoch + 1n;
    // What the commit applies, read from it (a PublicMessage): Removes first, then each Add takes
    // the leftmost blank leaf in the commit's order (RFC 9420 §12.3).
    const covered = readPublicCommit(commit).proposals.flatMap((entry) => {
      const id = entry.kind === 'reference' ? meeting.refs.get(entry.ref) : undefined;
      const proposal = id === undefined ? undefined : meeting.proposals.get(id);
      return id === undefined || proposal === undefined ? [] : [{ id, proposal }];
    });
    const removed = new Set(
      covered.flatMap(({ proposal }) => (proposal.kind === 'remove' ? [proposal.leafIndex] : [])),
    );
    const occupied = new Set(
      [...meeting.participants.values()].flatMap((m) =>
        !m.inGroup || m.leafIndex === undefined || removed.has(m.leafIndex) ? [] : [m.leafIndex],
      ),
    );
    const waits = this.welcomeWaits?.(
      covered.flatMap(({ proposal }) => (proposal.kind === 'add' ? [proposal.participantId] : [])),
    );
    for (const { id, proposal } of covered) {
      meeting.proposals.delete(id);
      if (proposal.kind !== 'add') continue;
      const joiner = meeting.participants.get(proposal.participantId);
      if (joiner === undefined) continue;
      let leaf = 0;
      while (occupied.has(leaf)) leaf++;
      occupied.add(leaf);
      joiner.leafIndex = leaf;
      joiner.inGroup = true;
      if (message.welcome !== undefined) {
        this.#send(joiner.conn, {
          type: 'welcome',
          meetingId: meeting.id,
          epoch: meeting.epoch.toString(),
          message: message.welcome,
          ...(waits === undefined ? {} : { waits }),
        });
      }
    }
    // Proposals the commit did not cover are proposed again for the new epoch.
    meeting.refs.clear();
    const leftover = [...meeting.proposals].filter(([id]) => !id.startsWith('waiting-'));
    for (const [id] of leftover) meeting.proposals.delete(id);
    for (const [, proposal] of leftover) await this.#propose(meeting, proposal);
    await this.#proposePendingJoiners(meeting);
  }

  async #onProposalRejected(meeting: MeetingRt, proposalId: string): Promise<void> {
    const proposal = meeting.proposals.get(proposalId);
    if (proposal === undefined) return;
    meeting.proposals.delete(proposalId);
    if (proposal.kind !== 'add') return;
    const joiner = meeting.participants.get(proposal.participantId);
    if (joiner === undefined) return;
    this.#send(joiner.conn, {
      type: 'join-blocked',
      meetingId: meeting.id,
      reasons: [
        {
          code: 'E2EE_MEMBER_REFUSED',
          severity: 'error',
          message: 'A member refused your credential.',
        },
      ],
    });
    meeting.participants.delete(joiner.id);
    this.#broadcastParticipants(meeting);
    return Promise.resolve();
  }

  async #removeParticipant(meeting: MeetingRt, p: Participant): Promise<void> {
    if (!meeting.participants.has(p.id)) return;
    meeting.participants.delete(p.id);
    clearTimeout(p.graceTimer);
    if (p.conn !== undefined) {
      p.conn.meeting = undefined;
      p.conn.participant = undefined;
    }
    p.conn = undefined;
    this.#broadcastParticipants(meeting);
    if (!meeting.e2ee) {
      this.#rotateMediaKey(meeting);
      return;
    }
    for (const [id, proposal] of meeting.proposals) {
      if (proposal.kind === 'add' && proposal.participantId === p.id) meeting.proposals.delete(id);
    }
    if (p.inGroup && p.leafIndex !== undefined && this.#members(meeting).length > 0) {
      await this.#propose(meeting, {
        kind: 'remove',
        leafIndex: p.leafIndex,
        deviceId: p.deviceId,
      });
    }
  }

  #onClosed(conn: Conn): void {
    const { meeting, participant } = conn;
    if (meeting === undefined || participant === undefined || participant.conn !== conn) return;
    participant.conn = undefined;
    participant.graceTimer = setTimeout(() => {
      void this.#serial(() => this.#removeParticipant(meeting, participant));
    }, this.options.graceMs ?? 3_000);
  }

  #relay(conn: Conn, bytes: Uint8Array): void {
    const meeting = conn.meeting;
    const p = conn.participant;
    if (meeting === undefined || p === undefined) return;
    const decoded = decodeEnvelope(bytes);
    if (decoded.kind !== 'ok' || decoded.envelope.sender !== p.relayId) return;
    for (const other of meeting.participants.values()) {
      if (other === p || other.conn === undefined) continue;
      const out =
        this.intercept === undefined
          ? bytes
          : this.intercept({ from: p.relayId, to: other.relayId, bytes });
      if (out === null) continue;
      this.forwarded.push({ from: p.relayId, to: other.relayId, bytes: out });
      other.conn.end.send(out);
    }
  }

  #rotateMediaKey(meeting: MeetingRt): void {
    meeting.mediaEpoch++;
    const key = toBase64(randomBytes(16));
    for (const p of meeting.participants.values()) {
      this.#send(p.conn, {
        type: 'media-key',
        meetingId: meeting.id,
        epoch: meeting.mediaEpoch.toString(),
        key,
      });
    }
  }

  #broadcastParticipants(meeting: MeetingRt): void {
    const participants = [...meeting.participants.values()].map((p) => ({
      participantId: p.id,
      userId: p.userId,
      displayName: p.displayName,
      relayId: p.relayId,
    }));
    for (const p of meeting.participants.values())
      this.#send(p.conn, { type: 'participants', meetingId: meeting.id, participants });
  }

  /** Every connected member reached the epoch: senders may use its keys (once per epoch). */
  #confirmIfAllReached(meeting: MeetingRt): void {
    const members = this.#members(meeting);
    if (meeting.confirmed === meeting.epoch || members.some((m) => m.reached !== meeting.epoch))
      return;
    meeting.confirmed = meeting.epoch;
    for (const m of members)
      this.#send(m.conn, {
        type: 'epoch-confirmed',
        meetingId: meeting.id,
        epoch: meeting.epoch.toString(),
      });
  }

  /** Connected members of the group. */
  #members(meeting: MeetingRt): (Participant & { conn: Conn })[] {
    return [...meeting.participants.values()].filter(
      (p): p is Participant & { conn: Conn } => p.inGroup && p.conn !== undefined,
    );
  }

  #meeting(id: string): MeetingRt {
    const meeting = this.meetings.get(id);
    if (meeting === undefined) throw new Error('no such meeting');
    return meeting;
  }

  #send(conn: Conn | undefined, message: ServerMessage): void {
    if (conn === undefined || !conn.end.isOpen()) return;
    this.sent.push({ to: conn.participant?.id, message });
    conn.end.send(JSON.stringify(message));
  }
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}
