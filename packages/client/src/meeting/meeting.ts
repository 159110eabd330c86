// One meeting from this client's side: the signaling connection (and its resumption), the MLS
// member role (E2EE) or the server-held media key (standard), media, chat, announced media state,
// and the typed events an application renders. Inbound messages and frames go through one serial
// queue.
import {
  acceptChangedKey,
  keyFingerprint,
  type AuthEvent,
  type MemberIdentity,
} from '@conclave/crypto/member';
import { fromBase64, toBase64 } from '../bytes.ts';
import { inBackground, type TimerHandle } from '../clock.ts';
import { Emitter } from '../emitter.ts';
import { ClientError, type BlockReason } from '../errors.ts';
import { refreshingAuthenticator } from '../identity/authenticator.ts';
import { checkServerKey } from '../identity/pins.ts';
import {
  MediaSession,
  type IngestResult,
  type PublishOptions,
  type PublishResult,
  type SenderInfo,
} from '../media/media-session.ts';
import { inProcessFrameProtector } from '../media/frame-protector.ts';
import { SenderBinding } from '../media/sender-binding.ts';
import { totalDropped } from '../media/stats.ts';
import { readExternalSender } from '../mls/external-sender.ts';
import { MemberSession, type EpochChange, type MlsJoinInfo } from '../mls/member-session.ts';
import { realtimeUrl } from '../transport/websocket.ts';
import {
  decodeControl,
  encodeControl,
  mediaMessageFamily,
  streamOwner,
  type MediaKind,
  type ServerMessage,
} from '../wire.ts';
import { decodeAppPayload, encodeAppPayload } from './app-payload.ts';
import {
  encodeChat,
  MAX_CHAT_LENGTH,
  readE2eeChat,
  readStandardChat,
  type ChatLookups,
} from './chat.ts';
import { Connector } from './connector.ts';
import { deferred, type Deferred } from './deferred.ts';
import { DeviceSightings } from './device-sightings.ts';
import { findingEvents } from './findings.ts';
import { MediaKeys } from './media-keys.ts';
import { MediaStates, mergeMediaState, NOTHING_ON, readE2eeMediaState } from './media-state.ts';
import { ParticipantTable, type Participant } from './participants.ts';
import { e2eeRoster, standardRoster, type RosterMember, type RosterPeople } from './roster.ts';
import { SerialQueue } from './serial-queue.ts';
import type {
  JoinOptions,
  MediaState,
  MediaStateChange,
  MeetingDeps,
  MeetingEvents,
  MeetingPhase,
  MeetingStats,
  RemovedReason,
} from './types.ts';

/**
 * Media frames one meeting lets wait behind its MLS and signaling work (about a second of four
 * senders' audio and video); past it a client that has fallen behind drops frames, counted as
 * `backlog`, instead of growing its queue without bound.
 */
const MAX_QUEUED_FRAMES = 256;

export class Meeting {
  readonly id: string;
  readonly #events = new Emitter<MeetingEvents>();
  readonly #deps: MeetingDeps;
  readonly #options: JoinOptions;
  readonly #queue = new SerialQueue();
  readonly #participants = new ParticipantTable();
  readonly #sightings = new DeviceSightings();
  readonly #member: MemberSession;
  readonly #connector: Connector;
  readonly #ready: Deferred = deferred();
  #phase: MeetingPhase = 'new';
  #e2ee: boolean | undefined;
  #relayId: number | undefined;
  #participantId: string | undefined;
  #keys: MediaKeys | undefined;
  #binding: SenderBinding | undefined;
  #media: MediaSession | undefined;
  #epochs = 0;
  #standardEpoch: bigint | undefined;
  readonly #chat = { sent: 0, received: 0, dropped: 0 };
  /** Media frames waiting in the queue (bounded: MAX_QUEUED_FRAMES). */
  #queuedFrames = 0;
  readonly #mediaStates = new MediaStates();
  readonly #mediaStateCounts = { sent: 0, received: 0, dropped: 0 };
  /** What this participant says it has on; undefined until the application first says it. */
  #ownMedia: MediaState | undefined;
  #ownMediaAt = 0;
  #announcing = false;
  #timers = new Set<TimerHandle>();
  #rejoinPending = false;
  #rejoins = 0;
  /** A `join { resumeEpoch }` is out and not answered yet. */
  #resuming = false;

  constructor(meetingId: string, deps: MeetingDeps, options: JoinOptions = {}) {
    this.id = meetingId;
    this.#deps = deps;
    this.#options = options;
    this.#member = new MemberSession({
      meetingId,
      crypto: deps.mlsCrypto,
      device: deps.device,
      authenticator: refreshingAuthenticator(deps.directory, deps.pins, deps.clock),
      clock: deps.clock,
      keys: () => this.#requireKeys().ring,
      send: (message) => void this.#connector.send(message),
      observer: {
        epoch: (change) => this.#onEpoch(change),
        findings: (events) => this.#onFindings(events),
        removedByCommit: () => this.#end('removed-from-group'),
        lostGroup: (error) => this.#onLostGroup(error),
        application: (data, from) => this.#onApplication(data, from),
      },
      newGroup: () => this.#keys?.renew(),
      ...(options.inspect === undefined ? {} : { inspect: options.inspect }),
    });
    this.#connector = new Connector({
      url: realtimeUrl(deps.server),
      factory: deps.webSocket,
      clock: deps.clock,
      hello: {
        type: 'hello',
        ...(deps.token === undefined ? {} : { token: deps.token }),
        deviceId: deps.device.identity.deviceId,
        client: deps.clientInfo,
      },
      ...(options.reconnect === undefined ? {} : { reconnect: options.reconnect }),
      ...(options.pingIntervalMs === undefined ? {} : { pingIntervalMs: options.pingIntervalMs }),
      ...(options.silenceTimeoutMs === undefined
        ? {}
        : { silenceTimeoutMs: options.silenceTimeoutMs }),
      // The join as a whole has its own deadline; a busy server may take long to say `ready`.
      openTimeoutMs: options.timeoutMs ?? 60_000,
    });
    this.#wireConnector();
  }

  // ---- state ---------------------------------------------------------------------------------

  get phase(): MeetingPhase {
    return this.#phase;
  }

  /** Undefined until the server said which kind of meeting this is. */
  get e2ee(): boolean | undefined {
    return this.#e2ee;
  }

  get relayId(): number | undefined {
    return this.#relayId;
  }

  get participantId(): string | undefined {
    return this.#participantId;
  }

  get epoch(): bigint | undefined {
    return this.#e2ee === true ? this.#member.epoch : this.#standardEpoch;
  }

  get leafIndex(): number | undefined {
    return this.#e2ee === true ? this.#member.leafIndex : this.#relayId;
  }

  /** E2EE: the 20-digit code every member of this epoch shows. Undefined in standard meetings. */
  get securityCode(): string | undefined {
    return this.#e2ee === true ? this.#member.securityCode : undefined;
  }

  get roster(): RosterMember[] {
    const directory = this.#deps.directory;
    const people: RosterPeople = {
      displayName: (userId) => directory.displayName(userId),
      email: (userId) => directory.admitted(userId)?.email,
    };
    if (this.#e2ee === true) {
      return e2eeRoster(
        this.#member.roster,
        this.#participants,
        people,
        (leaf) => this.#binding?.relayOf(leaf),
        this.#participantId,
        (entry, entries) => this.#sightings.note(entry, entries),
      );
    }
    return standardRoster(this.#participants.all(), this.#relayId, people);
  }

  get participants(): Participant[] {
    return this.#participants.all();
  }

  stats(): MeetingStats {
    const snapshot = this.#media?.stats.snapshot();
    const totals = snapshot?.totals ?? {
      sent: 0,
      notSent: 0,
      refused: {},
      received: 0,
      decrypted: 0,
      dropped: {},
    };
    return {
      frames: { ...totals, droppedTotal: totalDropped(totals.dropped) },
      bySender: (snapshot?.bySender ?? []).map((s) => {
        const p = this.#participants.byRelay(s.relayId);
        return {
          ...s,
          ...(p === undefined ? {} : { userId: p.userId, displayName: p.displayName }),
        };
      }),
      chat: { ...this.#chat },
      mediaState: { ...this.#mediaStateCounts },
      epochs: this.#epochs,
      epoch: this.epoch,
      reconnects: this.#connector.reconnects,
    };
  }

  on<K extends keyof MeetingEvents>(
    event: K,
    listener: (payload: MeetingEvents[K]) => void,
  ): () => void {
    return this.#events.on(event, listener);
  }

  once<K extends keyof MeetingEvents>(
    event: K,
    listener: (payload: MeetingEvents[K]) => void,
  ): () => void {
    return this.#events.once(event, listener);
  }

  off<K extends keyof MeetingEvents>(
    event: K,
    listener: (payload: MeetingEvents[K]) => void,
  ): void {
    this.#events.off(event, listener);
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  /**
   * Connects and joins. Resolves once media keys are in place: the first epoch of the MLS group
   * (E2EE) or the first server media key (standard). Rejects with ClientError: `join_blocked`
   * (with the server's reasons), `not_authenticated`, `connection_failed`, `server_key_changed`,
   * `group_failed`, `timeout`, `closed`.
   */
  async join(): Promise<void> {
    if (this.#phase !== 'new') throw new ClientError('invalid_argument');
    this.#phase = 'joining';
    this.#events.emit('connection', { state: 'connecting' });
    const timer = this.#deps.clock.setTimeout(
      () => this.#fail(new ClientError('timeout')),
      this.#options.timeoutMs ?? 60_000,
    );
    const setUp = async (): Promise<void> => {
      const keyPackage = await this.#member.prepareKeyPackage();
      await this.#deps.directory.refresh();
      if (this.#ready.settled) return;
      await this.#connector.start();
      this.#connector.send({ type: 'join', meetingId: this.id, keyPackage });
      await this.#ready.promise;
    };
    try {
      // Whatever settles first wins: the join completing, or a failure (timeout, close, block).
      await Promise.race([setUp(), this.#ready.promise]);
    } catch (error) {
      const failure =
        error instanceof ClientError
          ? error
          : new ClientError('connection_failed', { cause: error });
      this.#fail(failure);
      throw failure;
    } finally {
      this.#deps.clock.clearTimeout(timer);
    }
  }

  /** Leaves the meeting: sending stops at once; keys still decrypt in-flight frames for the retention time. */
  async leave(): Promise<void> {
    if (
      this.#phase === 'new' ||
      this.#phase === 'left' ||
      this.#phase === 'removed' ||
      this.#phase === 'closed'
    )
      return;
    this.#connector.send({ type: 'leave', meetingId: this.id });
    await this.#queue.idle();
    this.#end('left');
  }

  /** Idempotent. Rejects a pending `join`, closes the connection and forgets every key. */
  close(): void {
    if (this.#phase === 'closed') return;
    const wasActive = this.#phase !== 'new' && this.#phase !== 'left' && this.#phase !== 'removed';
    this.#phase = 'closed';
    for (const timer of this.#timers) this.#deps.clock.clearTimeout(timer);
    this.#timers.clear();
    this.#connector.close();
    this.#media?.stopSending();
    this.#keys?.close();
    this.#member.close();
    this.#settle(new ClientError('closed'));
    if (wasActive) this.#events.emit('connection', { state: 'closed' });
  }

  // ---- media and chat ------------------------------------------------------------------------

  /** Encrypts and sends one encoded frame. Never throws for a frame that cannot go out now. */
  async publish(
    kind: MediaKind,
    data: Uint8Array,
    options: PublishOptions = {},
  ): Promise<PublishResult> {
    const media = this.#media;
    if (media === undefined || this.#phase !== 'joined')
      return { kind: 'not_sent', reason: 'not_connected' };
    return media.publish(kind, data, options);
  }

  /** Decrypts an envelope that reached this client some other way (a recording, a test). */
  ingest(bytes: Uint8Array): Promise<IngestResult> {
    return this.#queue.run(() => this.#ingest(bytes));
  }

  /** Asks the relay for a key frame of `streamId` (after a decoder error). */
  requestKeyFrame(streamId: number): boolean {
    return this.#connector.sendBinary(encodeControl({ kind: 'key_frame_request', streamId }));
  }

  /** Receive only these kinds (default: all). */
  subscribe(kinds: readonly MediaKind[]): boolean {
    return this.#connector.sendBinary(
      encodeControl({ kind: 'subscribe', mediaKinds: kinds, streams: 'all' }),
    );
  }

  /** E2EE meetings: an MLS application message; standard meetings: chat through the server. */
  async sendChat(text: string): Promise<void> {
    if (text.length === 0 || text.length > MAX_CHAT_LENGTH)
      throw new ClientError('invalid_argument');
    if (this.#phase !== 'joined') throw new ClientError('not_joined');
    if (this.#e2ee === true) {
      await this.#queue.run(async () => {
        const leafIndex = this.#member.leafIndex;
        if (leafIndex === undefined) throw new ClientError('not_joined');
        const { epoch, message } = await this.#member.encrypt(encodeChat({ text, leafIndex }));
        if (
          !this.#connector.send({
            type: 'app-message',
            meetingId: this.id,
            epoch: epoch.toString(),
            message: toBase64(message),
          })
        ) {
          throw new ClientError('not_joined');
        }
      });
    } else if (!this.#connector.send({ type: 'chat', meetingId: this.id, text })) {
      throw new ClientError('not_joined');
    }
    this.#chat.sent++;
  }

  /**
   * Says what this participant has on, so the others need not guess from silence (a stalled
   * network is not a mute). Fields left out keep their last value (off before the first call).
   * E2EE meetings: an MLS application message, said again after every epoch change because new
   * members cannot read older ones; standard meetings: `media-state` through the server, which
   * hands the last one to whoever joins later. Before the meeting is joined the state is kept and
   * said once it is. Rejects `invalid_argument` for a field that is not a boolean.
   */
  async setMediaState(change: Partial<MediaState>): Promise<void> {
    this.#ownMedia = mergeMediaState(this.#ownMedia ?? NOTHING_ON, change);
    this.#ownMediaAt = this.#deps.clock.now();
    await this.#queue.run(() => this.#sendMediaState());
  }

  /**
   * The media state `participantId` last announced (this participant's own included), or undefined
   * if it said none (an older client, or nothing received yet).
   */
  mediaStateOf(participantId: string): MediaStateChange | undefined {
    if (participantId === this.#participantId) {
      const own = this.#ownMedia;
      return own === undefined
        ? undefined
        : { participantId, userId: this.#deps.user.id, state: own, at: this.#ownMediaAt };
    }
    return this.#mediaStates.get(participantId);
  }

  /** The user's explicit decision to trust a device's new key, after a `keyChanged` event. */
  async acceptChangedKey(identity: MemberIdentity): Promise<void> {
    await this.#deps.directory.refresh();
    const key = this.#deps.directory.signatureKey(identity);
    if (key === undefined) throw new ClientError('invalid_argument');
    await acceptChangedKey(this.#deps.pins, identity, key);
  }

  // ---- inbound -------------------------------------------------------------------------------

  #wireConnector(): void {
    const c = this.#connector.events;
    c.on('message', ({ message }) => {
      this.#queue
        .run(() => this.#onMessage(message))
        .catch((error: unknown) => this.#report(error));
    });
    c.on('binary', (bytes) => {
      const media = mediaMessageFamily(bytes) !== 'control';
      if (media && this.#queuedFrames >= MAX_QUEUED_FRAMES) {
        // Behind (a slow device, or a backlog of MLS work): shed media, never control or MLS.
        this.#media?.stats.received(undefined);
        this.#media?.stats.dropped('backlog', undefined);
        this.#events.emit('dropped', { reason: 'backlog', relayId: undefined });
        return;
      }
      if (media) this.#queuedFrames++;
      this.#queue
        .run(() => {
          if (media) this.#queuedFrames--;
          return this.#onBinary(bytes);
        })
        .catch((error: unknown) => this.#report(error));
    });
    c.on('dropped', () => {
      if (this.#phase !== 'joined' && this.#phase !== 'joining') return;
      if (this.#phase === 'joined') this.#phase = 'reconnecting';
      this.#relayId = undefined;
      this.#events.emit('connection', { state: 'reconnecting' });
    });
    c.on('reconnecting', ({ attempt }) =>
      this.#events.emit('connection', { state: 'reconnecting', attempt }),
    );
    c.on('connected', ({ resumed }) => {
      if (!resumed) {
        this.#events.emit('connection', { state: 'connected' });
        return;
      }
      this.#queue.run(() => this.#resume()).catch((error: unknown) => this.#report(error));
    });
    c.on('lost', (error) => this.#fail(error));
  }

  async #resume(): Promise<void> {
    if (this.#phase !== 'reconnecting' && this.#phase !== 'joining') return;
    this.#events.emit('connection', { state: 'connected' });
    const resumeEpoch = this.#e2ee === true ? this.#member.epoch : undefined;
    if (resumeEpoch !== undefined) {
      this.#resuming = true;
      this.#connector.send({
        type: 'join',
        meetingId: this.id,
        resumeEpoch: resumeEpoch.toString(),
      });
    } else if (this.#e2ee === false) {
      this.#connector.send({ type: 'join', meetingId: this.id });
    } else {
      // Not in the group yet: a KeyPackage is single use, so join afresh with a new one.
      this.#connector.send({
        type: 'join',
        meetingId: this.id,
        keyPackage: await this.#member.prepareKeyPackage(),
      });
    }
  }

  async #onMessage(message: ServerMessage): Promise<void> {
    if (this.#phase === 'closed' || this.#phase === 'left' || this.#phase === 'removed') return;
    if ('meetingId' in message && message.meetingId !== this.id) return;
    switch (message.type) {
      case 'joined':
        return this.#onJoined(message);
      case 'join-blocked':
        return this.#onBlocked(message.reasons);
      case 'participants':
        this.#participants.replace(message.participants);
        this.#mediaStates.keepOnly(new Set(message.participants.map((p) => p.participantId)));
        return this.#participantsChanged();
      case 'participant-joined':
        this.#participants.add(message.participant);
        return this.#participantsChanged();
      case 'participant-left':
        this.#participants.remove(message.participantId);
        this.#mediaStates.forget(message.participantId);
        return this.#participantsChanged();
      case 'media-key':
        return this.#onMediaKey(message);
      case 'chat':
        return this.#onStandardChat(message);
      case 'media-state':
        return this.#onStandardMediaState(message);
      case 'removed':
        if (message.reason === 'commit-failed' && this.#rejoinPending) return;
        return this.#end(message.reason, message.reasons);
      case 'keyframe-request':
        return this.#onKeyFrameRequest(message.streamId);
      case 'frame-refused':
        return this.#onFrameRefused(message);
      case 'error':
        if (message.code === 'key_package_required' && this.#resuming) {
          // The server cannot resume this member's state: join afresh, with a new leaf.
          this.#resuming = false;
          this.#member.reset();
          this.#connector.send({
            type: 'join',
            meetingId: this.id,
            keyPackage: await this.#member.prepareKeyPackage(),
          });
          return;
        }
        if (this.#phase === 'joining' && this.#participantId === undefined) {
          return this.#fail(new ClientError('protocol', { serverCode: message.code }));
        }
        this.#events.emit('error', new ClientError('protocol', { serverCode: message.code }));
        return;
      case 'ready':
      case 'pong':
        return;
      default:
        if (this.#e2ee === true) await this.#member.handle(message);
        return;
    }
  }

  async #onBinary(bytes: Uint8Array): Promise<void> {
    if (this.#phase !== 'joined' && this.#phase !== 'joining' && this.#phase !== 'reconnecting')
      return;
    if (mediaMessageFamily(bytes) === 'control') {
      const control = decodeControl(bytes);
      if (control.kind !== 'ok') return;
      if (control.control.kind === 'key_frame_request')
        this.#onKeyFrameRequest(control.control.streamId);
      else if (control.control.kind === 'frame_refused') this.#onFrameRefused(control.control);
      else if (control.control.kind === 'removed') {
        const reason = control.control.reason === 'meeting_ended' ? 'meeting-ended' : 'removed';
        if (control.control.reason !== 'replaced') this.#end(reason);
      }
      return;
    }
    await this.#ingest(bytes);
  }

  async #ingest(bytes: Uint8Array): Promise<IngestResult> {
    const media = this.#media;
    if (media === undefined) return { kind: 'dropped', reason: 'no_keys', relayId: undefined };
    const result = await media.ingest(bytes);
    if (result.kind === 'frame') this.#events.emit('frame', result.frame);
    else this.#events.emit('dropped', { reason: result.reason, relayId: result.relayId });
    return result;
  }

  async #onJoined(message: Extract<ServerMessage, { type: 'joined' }>): Promise<void> {
    const resumed = this.#participantId !== undefined;
    this.#resuming = false;
    if (this.#e2ee !== undefined && this.#e2ee !== message.endToEndEncryption) {
      return this.#fail(new ClientError('protocol'));
    }
    this.#e2ee = message.endToEndEncryption;
    this.#participantId = message.participantId;
    this.#relayId = message.relayId;
    this.#setUpMedia(message.endToEndEncryption);
    if (this.#phase === 'reconnecting') this.#phase = 'joined';
    this.#events.emit('joined', {
      participantId: message.participantId,
      relayId: message.relayId,
      e2ee: message.endToEndEncryption,
      resumed,
    });
    // Who the meeting may contain, read before any credential of its group is judged. Unreadable:
    // nobody else is admitted until a later refresh reads it (fail closed).
    await this.#deps.directory.admitFrom(this.id).catch(() => undefined);
    if (message.endToEndEncryption) {
      if (message.mls === undefined) return this.#fail(new ClientError('protocol'));
      await this.#joinGroup(message.mls);
    }
    // A standard joiner (or a resumed member) is a new participant to the others, who forgot its
    // state when it left; a fresh E2EE member has no leaf yet and says it with its first epoch.
    this.#announceAgain();
  }

  async #joinGroup(mls: MlsJoinInfo): Promise<void> {
    const server = readExternalSender(mls.externalSender);
    const pin = await checkServerKey(
      this.#deps.store,
      this.#deps.server,
      this.#deps.user.tenantId,
      server,
    );
    if (pin === 'changed') {
      this.#events.emit('keyChanged', {
        subject: 'server',
        fingerprint: keyFingerprint(server.publicKey),
      });
      this.#connector.send({ type: 'leave', meetingId: this.id });
      return this.#fail(new ClientError('server_key_changed'));
    }
    let outcome;
    try {
      outcome = await this.#member.joined(mls, server);
    } catch (error) {
      return this.#fail(
        error instanceof ClientError ? error : new ClientError('group_failed', { cause: error }),
      );
    }
    if (outcome === 'needs-fresh-join') {
      this.#connector.send({
        type: 'join',
        meetingId: this.id,
        keyPackage: await this.#member.prepareKeyPackage(),
      });
    }
  }

  #setUpMedia(e2ee: boolean): void {
    if (this.#media !== undefined) return;
    const keys = this.#requireKeys();
    this.#binding = new SenderBinding(e2ee ? 'e2ee' : 'standard', this.#participants);
    this.#media = new MediaSession({
      clock: this.#deps.clock,
      ring: () => keys.ring,
      binding: this.#binding,
      relayId: () => this.#relayId,
      send: (bytes) => this.#connector.sendBinary(bytes),
      bufferedAmount: () => this.#connector.bufferedAmount,
      describe: (relayId, leafIndex) => this.#describe(relayId, leafIndex),
    });
  }

  #requireKeys(): MediaKeys {
    this.#keys ??= new MediaKeys({
      create: this.#options.frameProtector ?? inProcessFrameProtector(this.#deps.sframeBackend),
      clock: this.#deps.clock,
      ...(this.#options.retentionMs === undefined
        ? {}
        : { retentionMs: this.#options.retentionMs }),
    });
    return this.#keys;
  }

  #describe(relayId: number, leafIndex: number): SenderInfo {
    const participant = this.#participants.byRelay(relayId);
    const userId = participant?.userId ?? this.#binding?.member(leafIndex)?.identity?.userId;
    const displayName =
      (userId === undefined ? undefined : this.#deps.directory.displayName(userId)) ??
      participant?.displayName;
    return {
      relayId,
      leafIndex,
      ...(participant === undefined ? {} : { participantId: participant.participantId }),
      ...(userId === undefined ? {} : { userId }),
      ...(displayName === undefined ? {} : { displayName }),
    };
  }

  #participantsChanged(): void {
    this.#binding?.participantsChanged();
    this.#events.emit('participants', this.#participants.all());
    if (this.#e2ee !== undefined) this.#events.emit('roster', this.roster);
  }

  #onEpoch(change: EpochChange): void {
    this.#epochs++;
    this.#rejoinPending = false;
    this.#binding?.setRoster(change.roster);
    if (this.#phase === 'joining') this.#phase = 'joined';
    this.#events.emit('epoch', { epoch: change.epoch, leafIndex: change.leafIndex });
    const roster = this.roster;
    this.#events.emit('roster', roster);
    for (const device of this.#sightings.news(roster)) this.#events.emit('newDevice', device);
    this.#events.emit('securityCode', change.securityCode);
    this.#settle();
    this.#announceAgain();
  }

  async #onMediaKey(message: Extract<ServerMessage, { type: 'media-key' }>): Promise<void> {
    // A server-held key in an E2EE meeting would let the server read it: never used.
    if (this.#e2ee !== false || this.#relayId === undefined) return;
    const key = fromBase64(message.key);
    if (key === undefined) return;
    const epoch = BigInt(message.epoch);
    try {
      await this.#requireKeys().installServerKey(epoch, key, this.#relayId);
    } finally {
      key.fill(0);
    }
    this.#standardEpoch = epoch;
    this.#epochs++;
    if (this.#phase === 'joining') this.#phase = 'joined';
    this.#events.emit('epoch', { epoch, leafIndex: this.#relayId });
    this.#settle();
  }

  #onFindings(findings: readonly AuthEvent[]): void {
    this.#sightings.record(findings, this.#deps.pins);
    for (const finding of findingEvents(findings, (id) => this.#deps.directory.displayName(id))) {
      if (finding.event === 'keyChanged') this.#events.emit('keyChanged', finding.payload);
      else this.#events.emit('refused', finding.payload);
    }
  }

  #onApplication(data: Uint8Array, from: string): void {
    const payload = decodeAppPayload(data);
    if (payload?.kind === 'media') {
      const change = readE2eeMediaState(payload, from, this.#chatLookups());
      if (change === undefined) this.#mediaStateCounts.dropped++;
      else this.#onMediaState(change);
      return;
    }
    const chat =
      payload === undefined ? undefined : readE2eeChat(payload, from, this.#chatLookups());
    if (chat === undefined) {
      this.#chat.dropped++;
      return;
    }
    this.#chat.received++;
    this.#events.emit('chat', chat);
  }

  #onStandardMediaState(message: Extract<ServerMessage, { type: 'media-state' }>): void {
    if (this.#e2ee !== false || message.from === this.#participantId) return;
    this.#onMediaState({
      participantId: message.from,
      userId: this.#participants.byId(message.from)?.userId,
      state: message.state,
      at: this.#deps.clock.now(),
    });
  }

  #onMediaState(change: MediaStateChange): void {
    this.#mediaStateCounts.received++;
    const news = this.#mediaStates.record(change);
    if (news !== undefined) this.#events.emit('media-state', news);
  }

  /**
   * Says this participant's media state again, behind whatever is queued already: a burst of
   * commits waiting in the queue costs one message, at the epoch they end in.
   */
  #announceAgain(): void {
    if (this.#ownMedia === undefined || this.#announcing) return;
    this.#announcing = true;
    this.#queue
      .run(() => {
        this.#announcing = false;
        return this.#sendMediaState();
      })
      .catch((error: unknown) => this.#report(error));
  }

  /** Runs in the queue. Not joined (yet, or any more): nothing is sent; a later join says it. */
  async #sendMediaState(): Promise<void> {
    const state = this.#ownMedia;
    if (state === undefined || this.#participantId === undefined) return;
    if (this.#phase !== 'joined' && this.#phase !== 'joining') return;
    let sent: boolean;
    if (this.#e2ee === true) {
      const leafIndex = this.#member.leafIndex;
      if (leafIndex === undefined) return;
      const { epoch, message } = await this.#member.encrypt(
        encodeAppPayload({ kind: 'media', state, leafIndex }),
      );
      sent = this.#connector.send({
        type: 'app-message',
        meetingId: this.id,
        epoch: epoch.toString(),
        message: toBase64(message),
      });
    } else {
      sent = this.#connector.send({ type: 'media-state', meetingId: this.id, state });
    }
    if (sent) this.#mediaStateCounts.sent++;
  }

  #onStandardChat(message: Extract<ServerMessage, { type: 'chat' }>): void {
    if (this.#e2ee !== false || message.from === this.#participantId) return;
    this.#chat.received++;
    this.#events.emit('chat', readStandardChat(message, this.#chatLookups()));
  }

  #chatLookups(): ChatLookups {
    return {
      member: (leaf) => this.#binding?.member(leaf),
      participant: (id) => this.#participants.byId(id),
      displayName: (userId) => this.#deps.directory.displayName(userId),
      now: () => this.#deps.clock.now(),
    };
  }

  #onKeyFrameRequest(streamId: number): void {
    const stream = streamOwner(streamId);
    const own = stream !== undefined && stream.relayId === this.#relayId;
    this.#events.emit('keyFrameRequest', {
      streamId,
      mediaKind: own ? stream.mediaKind : undefined,
    });
  }

  /** The relay refused frames this participant sent: counted as refused, and said. */
  #onFrameRefused(refused: MeetingEvents['frameRefused']): void {
    const { streamId, mediaKind, reason, frames } = refused;
    this.#media?.refusedByRelay(reason, frames);
    this.#events.emit('frameRefused', { streamId, mediaKind, reason, frames });
  }

  #onBlocked(reasons: readonly BlockReason[]): void {
    this.#events.emit('blocked', { reasons });
    this.#fail(new ClientError('join_blocked', { reasons }));
  }

  #onLostGroup(error: ClientError): void {
    this.#events.emit('error', error);
    if (this.#rejoins >= (this.#options.maxRejoins ?? 3) || !this.#connector.isOpen) {
      this.#fail(error);
      return;
    }
    // The server removes the old leaf first (one leaf per device); then a fresh KeyPackage.
    const delay = (this.#options.rejoinDelayMs ?? 1_000) * 2 ** this.#rejoins;
    this.#rejoins++;
    this.#rejoinPending = true;
    this.#member.reset();
    // Out of the relay until the server admits us again: sending now would only be refused.
    this.#relayId = undefined;
    this.#after(delay, () => {
      this.#queue
        .run(async () => {
          if (this.#phase === 'closed' || this.#phase === 'left' || this.#phase === 'removed')
            return;
          this.#connector.send({
            type: 'join',
            meetingId: this.id,
            keyPackage: await this.#member.prepareKeyPackage(),
          });
        })
        .catch((e: unknown) => this.#report(e));
    });
  }

  /** Left or removed: no more sending; keys decrypt in-flight frames for the retention time. */
  #end(reason: RemovedReason, reasons?: readonly BlockReason[]): void {
    if (this.#phase === 'closed' || this.#phase === 'left' || this.#phase === 'removed') return;
    this.#phase = reason === 'left' ? 'left' : 'removed';
    this.#media?.stopSending();
    this.#connector.close();
    this.#member.close();
    const keys = this.#keys;
    this.#after(this.#options.retentionMs ?? 10_000, () => keys?.close(), { background: true });
    if (reason !== 'left')
      this.#events.emit('removed', { reason, ...(reasons === undefined ? {} : { reasons }) });
    this.#settle(new ClientError(reason === 'left' ? 'closed' : 'removed'));
    this.#events.emit('connection', { state: 'closed' });
  }

  #fail(error: ClientError): void {
    if (this.#phase === 'closed' || this.#phase === 'left' || this.#phase === 'removed') return;
    this.#settle(error);
    if (this.#phase !== 'joining') this.#events.emit('error', error);
    this.close();
  }

  #settle(error?: ClientError): void {
    if (this.#ready.settled) return;
    if (error === undefined) this.#ready.resolve();
    else this.#ready.reject(error);
  }

  #after(ms: number, callback: () => void, options: { background?: boolean } = {}): void {
    const timer = this.#deps.clock.setTimeout(() => {
      this.#timers.delete(timer);
      callback();
    }, ms);
    this.#timers.add(options.background === true ? inBackground(timer) : timer);
  }

  #report(error: unknown): void {
    if (this.#phase === 'closed') return;
    this.#events.emit(
      'error',
      error instanceof ClientError ? error : new ClientError('protocol', { cause: error }),
    );
  }
}
