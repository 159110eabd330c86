// The moving parts behind a Meeting: its phase (phase.ts), its connection, its mode once the server
// said which (E2EE or standard, mode.ts) and the handling of everything inbound, in one serial
// queue. The mode reaches the meeting only through ModeHost, which this implements.
import { inBackground, type TimerHandle } from '../clock.ts';
import { Emitter } from '../emitter.ts';
import { ClientError, type BlockReason } from '../errors.ts';
import { inProcessFrameProtector } from '../media/frame-protector.ts';
import { MediaSession, type IngestResult } from '../media/media-session.ts';
import {
  decodeControl,
  mediaMessageFamily,
  type ClientMessage,
  type ServerMessage,
} from '../wire.ts';
import type { ChatLookups } from './chat.ts';
import { meetingConnector, type Connector } from './connector.ts';
import { deferred, type Deferred } from './deferred.ts';
import { E2eeMode } from './e2ee-mode.ts';
import { queueInbound } from './inbound.ts';
import { keyFrameRequestEvent } from './key-frame-request.ts';
import { MediaAnnouncer } from './media-announcer.ts';
import { MediaKeys } from './media-keys.ts';
import type { JoinedMessage, MeetingMode, ModeHost } from './mode.ts';
import { ParticipantTable } from './participants.ts';
import { admissionOf, isLive, isOver, type Admission, type Phase } from './phase.ts';
import { rosterPeople, type RosterPeople } from './roster.ts';
import { SerialQueue } from './serial-queue.ts';
import { StandardMode } from './standard-mode.ts';
import { removalsOf, type Removals } from './removals.ts';
import { describeSender, senderStallEvent } from './stats.ts';
import type {
  ChatMessage,
  JoinOptions,
  MediaState,
  MediaStateChange,
  MeetingDeps,
  MeetingEvents,
  Reaction,
  RemovedReason,
} from './types.ts';

export class MeetingRuntime implements ModeHost {
  readonly meetingId: string;
  readonly deps: MeetingDeps;
  readonly options: JoinOptions;
  readonly events = new Emitter<MeetingEvents>();
  readonly participants = new ParticipantTable();
  readonly queue = new SerialQueue((error) => this.report(error));
  readonly connector: Connector;
  readonly announcer: MediaAnnouncer;
  readonly chatCounts = { sent: 0, received: 0, dropped: 0 };
  readonly reactionCounts = { sent: 0, received: 0, dropped: 0 };
  readonly removals: Removals;
  /** Resolves once media keys are in place; rejects when the join fails. */
  readonly ready: Deferred = deferred();
  /**
   * Every join offers an MLS KeyPackage, since the client learns the meeting's kind only from the
   * server's `joined`: this is the mode it gets if the meeting is E2EE.
   */
  readonly #e2eeOffer: E2eeMode;
  #phase: Phase = { kind: 'new' };
  #keys: MediaKeys | undefined;
  #epochs = 0;
  readonly #timers = new Set<TimerHandle>();

  constructor(meetingId: string, deps: MeetingDeps, options: JoinOptions) {
    this.meetingId = meetingId;
    this.deps = deps;
    this.options = options;
    this.connector = meetingConnector(deps, options);
    this.announcer = new MediaAnnouncer({
      clock: deps.clock,
      queue: this.queue,
      say: (state) => this.#sayMediaState(state),
      news: (change) => this.events.emit('media-state', change),
      report: (error) => this.report(error),
    });
    this.#e2eeOffer = new E2eeMode(this);
    this.removals = removalsOf(this);
    queueInbound(this.connector, this.queue, {
      message: (message) => this.#onMessage(message),
      binary: (bytes) => this.#onBinary(bytes),
      media: () => this.admission?.media,
      dropped: (payload) => this.events.emit('dropped', payload),
      report: (error) => this.report(error),
    });
    this.#wireConnection();
  }

  // ---- state ---------------------------------------------------------------------------------

  get phase(): Phase {
    return this.#phase;
  }

  get admission(): Admission | undefined {
    return admissionOf(this.#phase);
  }

  get mode(): MeetingMode | undefined {
    return this.admission?.mode;
  }

  get participantId(): string | undefined {
    return this.admission?.participantId;
  }

  get relayId(): number | undefined {
    return this.admission?.relayId;
  }

  get epochs(): number {
    return this.#epochs;
  }

  get active(): boolean {
    return !isOver(this.#phase);
  }

  get connected(): boolean {
    return this.connector.isOpen;
  }

  get people(): RosterPeople {
    return rosterPeople(this.deps.directory);
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  /** From `new`: connects and sends the first join. Settles `ready` on failure too. */
  async start(): Promise<void> {
    this.#phase = { kind: 'joining', admission: undefined };
    this.events.emit('connection', { state: 'connecting' });
    const join = await this.#e2eeOffer.freshJoin();
    await this.deps.directory.refresh();
    if (this.ready.settled) return;
    await this.connector.start();
    this.send(join);
    await this.ready.promise;
  }

  /** Left or removed: no more sending; keys decrypt in-flight frames for the retention time. */
  end(reason: RemovedReason, reasons?: readonly BlockReason[]): void {
    const phase = this.#phase;
    if (isOver(phase)) return;
    const admission = admissionOf(phase);
    this.#phase =
      reason === 'left' ? { kind: 'left', admission } : { kind: 'removed', reason, admission };
    admission?.media.stopSending();
    this.connector.close();
    (admission?.mode ?? this.#e2eeOffer).close();
    this.removals.abandon(new ClientError(reason === 'left' ? 'closed' : 'removed'));
    const keys = this.#keys;
    this.#after(this.options.retentionMs ?? 10_000, () => keys?.close(), { background: true });
    if (reason !== 'left')
      this.events.emit('removed', { reason, ...(reasons === undefined ? {} : { reasons }) });
    this.#settle(new ClientError(reason === 'left' ? 'closed' : 'removed'));
    this.events.emit('connection', { state: 'closed' });
  }

  /** Idempotent. Rejects a pending `join`, closes the connection and forgets every key. */
  close(): void {
    const phase = this.#phase;
    if (phase.kind === 'closed') return;
    const wasActive = isLive(phase);
    const admission = admissionOf(phase);
    this.#phase = { kind: 'closed', admission };
    for (const timer of this.#timers) this.deps.clock.clearTimeout(timer);
    this.#timers.clear();
    this.connector.close();
    admission?.media.stopSending();
    this.#keys?.close();
    (admission?.mode ?? this.#e2eeOffer).close();
    this.removals.abandon(new ClientError('closed'));
    this.#settle(new ClientError('closed'));
    if (wasActive) this.events.emit('connection', { state: 'closed' });
  }

  fail(error: ClientError): void {
    if (isOver(this.#phase)) return;
    this.#settle(error);
    if (this.#phase.kind !== 'joining') this.events.emit('error', error);
    this.close();
  }

  report(error: unknown): void {
    if (this.#phase.kind === 'closed') return;
    this.events.emit(
      'error',
      error instanceof ClientError ? error : new ClientError('protocol', { cause: error }),
    );
  }

  async ingest(bytes: Uint8Array): Promise<IngestResult> {
    const media = this.admission?.media;
    if (media === undefined) return { kind: 'dropped', reason: 'no_keys', relayId: undefined };
    return this.#said(await media.ingest(bytes));
  }

  #said(result: IngestResult): IngestResult {
    if (result.kind === 'frame') this.events.emit('frame', result.frame);
    if (result.kind === 'dropped')
      this.events.emit('dropped', { reason: result.reason, relayId: result.relayId });
    return result;
  }

  // ---- ModeHost ------------------------------------------------------------------------------

  send(message: ClientMessage): boolean {
    return this.connector.send(message);
  }

  keys(): MediaKeys {
    this.#keys ??= new MediaKeys({
      create: this.options.frameProtector ?? inProcessFrameProtector(this.deps.sframeBackend),
      clock: this.deps.clock,
      ...(this.options.retentionMs === undefined ? {} : { retentionMs: this.options.retentionMs }),
    });
    return this.#keys;
  }

  renewKeys(): void {
    this.#keys?.renew();
  }

  leaveRelay(): void {
    const admission = this.admission;
    if (admission !== undefined) admission.relayId = undefined;
  }

  async enterEpoch(epoch: bigint, leafIndex: number): Promise<void> {
    this.#epochs++;
    const phase = this.#phase;
    if (phase.kind === 'joining' && phase.admission !== undefined)
      this.#phase = { kind: 'joined', admission: phase.admission };
    this.events.emit('epoch', { epoch, leafIndex });
    this.removals.groupChanged();
    for (const held of (await this.admission?.media.epochInstalled(epoch)) ?? []) this.#said(held);
  }

  markReady(): void {
    this.#settle();
  }

  announceAgain(): void {
    this.announcer.again();
  }

  chatReceived(chat: ChatMessage | undefined): void {
    this.#received('chat', chat, this.chatCounts);
  }

  reactionReceived(reaction: Reaction | undefined): void {
    this.#received('reaction', reaction, this.reactionCounts);
  }

  #received<K extends 'chat' | 'reaction'>(
    event: K,
    payload: MeetingEvents[K] | undefined,
    counts: { received: number; dropped: number },
  ): void {
    if (payload === undefined) counts.dropped++;
    else {
      counts.received++;
      this.events.emit(event, payload);
    }
  }

  mediaStateReceived(change: MediaStateChange | undefined): void {
    this.announcer.received(change);
  }

  chatLookups(): ChatLookups {
    return {
      member: (leaf) => this.mode?.binding.member(leaf),
      participant: (id) => this.participants.byId(id),
      displayName: (userId) => this.deps.directory.displayName(userId),
      now: () => this.deps.clock.now(),
    };
  }

  serially<T>(task: () => Promise<T>): Promise<T> {
    return this.queue.run(task);
  }

  later(ms: number, callback: () => Promise<void>): void {
    this.#after(ms, () => {
      this.queue.run(callback).catch((error: unknown) => this.report(error));
    });
  }

  // ---- inbound -------------------------------------------------------------------------------

  #wireConnection(): void {
    const c = this.connector.events;
    c.on('dropped', ({ reason }) => {
      const phase = this.#phase;
      if (phase.kind !== 'joined' && phase.kind !== 'joining') return;
      if (phase.kind === 'joined')
        this.#phase = { kind: 'reconnecting', admission: phase.admission };
      this.leaveRelay();
      // A removal asked on the old socket is answered on it, or not at all.
      this.removals.abandon(new ClientError('connection_failed'));
      this.events.emit('connection', { state: 'reconnecting', reason });
    });
    c.on('waiting', ({ delayMs, ...next }) =>
      this.events.emit('connection', { state: 'reconnecting', nextAttemptInMs: delayMs, ...next }),
    );
    c.on('reconnecting', (now) =>
      this.events.emit('connection', { state: 'reconnecting', ...now }),
    );
    c.on('connected', ({ resumed }) => {
      if (!resumed) {
        this.events.emit('connection', { state: 'connected' });
        return;
      }
      this.queue.run(() => this.#resume()).catch((error: unknown) => this.report(error));
    });
    c.on('lost', (error) => this.fail(error));
  }

  async #resume(): Promise<void> {
    const phase = this.#phase;
    if (phase.kind !== 'reconnecting' && phase.kind !== 'joining') return;
    this.events.emit('connection', { state: 'connected' });
    // Not admitted yet: a KeyPackage is single use, so join afresh with a new one.
    this.send(await (phase.admission?.mode ?? this.#e2eeOffer).rejoin());
  }

  async #onMessage(message: ServerMessage): Promise<void> {
    if (isOver(this.#phase)) return;
    if ('meetingId' in message && message.meetingId !== this.meetingId) return;
    switch (message.type) {
      case 'joined':
        return this.#onJoined(message);
      case 'lobby':
        return void this.events.emit('lobby', { reasons: message.reasons });
      case 'join-blocked':
        this.events.emit('blocked', { reasons: message.reasons });
        return this.fail(new ClientError('join_blocked', { reasons: message.reasons }));
      case 'participants':
        this.participants.replace(message.participants);
        this.announcer.keepOnly(new Set(message.participants.map((p) => p.participantId)));
        return this.#participantsChanged();
      case 'participant-joined':
        this.participants.add(message.participant);
        return this.#participantsChanged();
      case 'participant-left':
        this.participants.remove(message.participantId);
        this.announcer.forget(message.participantId);
        return this.#participantsChanged();
      case 'removed':
        if (this.mode?.expectsRemoval(message.reason) === true) return;
        return this.end(message.reason, message.reasons);
      case 'keyframe-request':
        return this.#onKeyFrameRequest(message.streamId);
      case 'frame-refused':
        return this.#onFrameRefused(message);
      case 'removal-accepted':
      case 'removal-done':
      case 'removal-refused':
        return this.removals.handle(message);
      case 'error':
        return this.#onServerError(message.code);
      case 'ready':
      case 'pong':
      case 'server-restarting': // the connector notes it: the drop that follows says why
        return;
      default:
        // What only one kind of meeting has: media keys, MLS, chat through the server.
        await this.mode?.handle(message);
        return;
    }
  }

  async #onServerError(code: string): Promise<void> {
    // A join refused by a server that is shutting down: the socket closes next and the join is
    // made again once it is back.
    if (code === 'server_restarting') return;
    if ((await this.mode?.recovers(code)) === true) return;
    const error = new ClientError('protocol', { serverCode: code });
    if (this.#phase.kind === 'joining' && this.participantId === undefined) return this.fail(error);
    this.events.emit('error', error);
  }

  async #onBinary(bytes: Uint8Array): Promise<void> {
    if (!isLive(this.#phase)) return;
    if (mediaMessageFamily(bytes) !== 'control') {
      await this.ingest(bytes);
      return;
    }
    const decoded = decodeControl(bytes);
    if (decoded.kind !== 'ok') return;
    const control = decoded.control;
    if (control.kind === 'key_frame_request') this.#onKeyFrameRequest(control.streamId);
    else if (control.kind === 'frame_refused') this.#onFrameRefused(control);
    else if (control.kind === 'removed' && control.reason !== 'replaced')
      this.end(control.reason === 'meeting_ended' ? 'meeting-ended' : 'removed');
  }

  async #onJoined(message: JoinedMessage): Promise<void> {
    const phase = this.#phase;
    if (!isLive(phase)) return;
    const known = phase.admission;
    if (known !== undefined && known.mode.e2ee !== message.endToEndEncryption) {
      return this.fail(new ClientError('protocol'));
    }
    const admission = known ?? this.#admit(message);
    admission.participantId = message.participantId;
    admission.relayId = message.relayId;
    this.#phase =
      phase.kind === 'joining' ? { kind: 'joining', admission } : { kind: 'joined', admission }; // joined again after a reconnection
    this.events.emit('joined', {
      participantId: message.participantId,
      relayId: message.relayId,
      e2ee: message.endToEndEncryption,
      resumed: known !== undefined,
    });
    // Who the meeting may contain, read before any credential of its group is judged. Unreadable:
    // nobody else is admitted until a later refresh reads it (fail closed).
    await this.deps.directory.admitFrom(this.meetingId).catch(() => undefined);
    await admission.mode.admitted(message);
    if (isOver(this.#phase)) return;
    // A standard joiner (or a resumed member) is a new participant to the others, who forgot its
    // state when it left; a fresh E2EE member has no leaf yet and says it with its first epoch.
    this.announceAgain();
  }

  /** The first `joined`: the meeting's kind is known, its mode and media session begin. */
  #admit(message: JoinedMessage): Admission {
    let mode: MeetingMode = this.#e2eeOffer;
    if (!message.endToEndEncryption) {
      // The KeyPackage offered with the join is of no use in a meeting without a group.
      this.#e2eeOffer.close();
      mode = new StandardMode(this);
    }
    const keys = this.keys();
    const media = new MediaSession({
      clock: this.deps.clock,
      ring: () => keys.ring,
      binding: mode.binding,
      relayId: () => this.relayId,
      send: (bytes) => this.connector.sendBinary(bytes),
      bufferedAmount: () => this.connector.bufferedAmount,
      describe: (relayId, leafIndex) =>
        describeSender(this.participants, mode, this.deps.directory, relayId, leafIndex),
      waitForKeys: mode.e2ee && keys.ring.newestEpoch === undefined,
      stalled: (change) =>
        this.events.emit('senderStall', senderStallEvent(change, this.participants)),
    });
    return { mode, participantId: message.participantId, relayId: message.relayId, media };
  }

  #participantsChanged(): void {
    this.mode?.binding.participantsChanged();
    this.admission?.media.stalls.participantsChanged();
    // Once per burst of changes: each of a join storm's messages would rebuild the roster.
    this.queue.runOnce('participants', () => {
      this.events.emit('participants', this.participants.all());
      if (this.mode !== undefined) this.events.emit('roster', this.mode.roster());
    });
  }

  #onKeyFrameRequest(streamId: number): void {
    this.events.emit('keyFrameRequest', keyFrameRequestEvent(streamId, this.relayId));
  }

  /** The relay refused frames this participant sent: counted as refused, and said. */
  #onFrameRefused(refused: MeetingEvents['frameRefused']): void {
    const { streamId, mediaKind, reason, frames } = refused;
    this.admission?.media.refusedByRelay(reason, frames);
    this.events.emit('frameRefused', { streamId, mediaKind, reason, frames });
  }

  /** Runs in the queue. Not joined (yet, or any more): nothing is sent; a later join says it. */
  async #sayMediaState(state: MediaState): Promise<boolean> {
    const phase = this.#phase;
    if (phase.kind !== 'joined' && phase.kind !== 'joining') return false;
    if (phase.admission === undefined) return false;
    return phase.admission.mode.sendMediaState(state);
  }

  #settle(error?: ClientError): void {
    if (this.ready.settled) return;
    if (error === undefined) this.ready.resolve();
    else this.ready.reject(error);
  }

  #after(ms: number, callback: () => void, options: { background?: boolean } = {}): void {
    const timer = this.deps.clock.setTimeout(() => {
      this.#timers.delete(timer);
      callback();
    }, ms);
    this.#timers.add(options.background === true ? inBackground(timer) : timer);
  }
}
