// One headless participant: an SDK client in a meeting, optionally sending synthetic media, and
// counting what it receives and decrypts per sender. Its report is what `conclave join` prints and
// what `conclave load` aggregates.
import {
  ClientError,
  systemClock,
  type Clock,
  type ConclaveClient,
  type FrameDropReason,
  type FrameRefusedReason,
  type JoinOptions,
  type Meeting,
  type MeetingEvents,
  type MeetingPhase,
  type MlsTimings,
  type PublishResult,
} from '@conclave/client';
import {
  SyntheticMedia,
  type SyntheticMediaOptions,
  type SyntheticMediaStats,
} from './synthetic-media.ts';

export type SentFrame = Extract<PublishResult, { kind: 'sent' }>;

export interface ParticipantReport {
  readonly userId: string;
  readonly displayName: string;
  readonly joined: boolean;
  readonly error?: string;
  /** Where a join that never finished stands (not joined, no error): see `joinStage`. */
  readonly phase?: MeetingPhase;
  /** The lobby's reasons, while this participant waits there. */
  readonly lobby?: readonly string[];
  readonly participantId?: string;
  readonly relayId?: number;
  readonly e2ee?: boolean;
  readonly securityCode?: string;
  readonly epoch?: string;
  readonly epochs: number;
  /** From the join request to `join()` resolving (keys in place). */
  readonly joinedMs?: number;
  /** From the join request to the first decrypted frame. */
  readonly firstFrameMs?: number;
  readonly sendsMedia: boolean;
  readonly roster: readonly {
    readonly leafIndex: number;
    readonly userId: string | null;
    readonly deviceId: string | null;
    readonly displayName: string | undefined;
    readonly fingerprint: string | null;
    /** Marked verified on this device (`conclave device verify`), with the key it has now. */
    readonly verified: boolean;
    readonly self: boolean;
  }[];
  readonly sent: SyntheticMediaStats;
  readonly frames: {
    /** Frames the relay took (handed to it, less those it refused). */
    readonly sent: number;
    /** Frames the relay refused and forwarded to nobody, by its reason. */
    readonly refused: Partial<Record<FrameRefusedReason, number>>;
    readonly received: number;
    readonly decrypted: number;
    readonly dropped: Partial<Record<FrameDropReason, number>>;
    readonly droppedTotal: number;
  };
  readonly bySender: readonly {
    readonly relayId: number;
    readonly userId?: string;
    readonly displayName?: string;
    readonly received: number;
    readonly decrypted: number;
    readonly dropped: Partial<Record<FrameDropReason, number>>;
  }[];
  readonly chat: { readonly sent: number; readonly received: number };
  readonly reconnects: number;
  /** Set when the meeting ended for this participant before it left (removed, connection lost). */
  readonly endedBecause?: string;
  /** E2EE: how long this participant's own MLS work took (the join critical path's parts). */
  readonly mls?: MlsTimings;
  /** Senders whose every frame this participant was refusing when it reported (2 s or more). */
  readonly stalledSenders?: readonly {
    readonly relayId: number;
    readonly userId?: string;
    readonly displayName?: string;
    readonly reason: string;
    readonly frames: number;
  }[];
}

export type ParticipantEvent =
  | { readonly event: 'lobby'; readonly codes: readonly string[] }
  | { readonly event: 'joined'; readonly relayId: number; readonly e2ee: boolean }
  | {
      readonly event: 'epoch';
      readonly epoch: string;
      readonly securityCode?: string;
      readonly members: number;
    }
  | { readonly event: 'first-frame'; readonly fromUserId?: string; readonly ms: number }
  | {
      readonly event: 'connection';
      readonly state: string;
      readonly attempt?: number;
      readonly nextAttemptInMs?: number;
      readonly reason?: string;
    }
  | { readonly event: 'removed'; readonly reason: string }
  | { readonly event: 'key-changed'; readonly userId?: string; readonly fingerprint: string }
  | { readonly event: 'refused'; readonly userId?: string; readonly reason: string }
  | {
      readonly event: 'frames-refused';
      readonly mediaKind: string;
      readonly reason: string;
      readonly frames: number;
    }
  | { readonly event: 'chat'; readonly from?: string; readonly text: string }
  /** Every frame of a sender refused for 2 s (`stalled`), or decrypting again (`cleared`). */
  | {
      readonly event: 'sender-stalled' | 'sender-cleared';
      readonly relayId: number;
      readonly userId?: string;
      readonly reason?: string;
    };

export interface HeadlessOptions {
  readonly sendMedia: boolean;
  /** False: a sender's media waits for `startMedia` instead of starting once joined (default true). */
  readonly mediaOnJoin?: boolean;
  /** False: subscribes to no media once joined (it still runs the full MLS member role). */
  readonly receiveMedia?: boolean;
  readonly media?: SyntheticMediaOptions;
  readonly clock?: Clock;
  readonly onEvent?: (event: ParticipantEvent) => void;
  /** The connection's state as it changes, from the first connection on (progress lines). */
  readonly onConnection?: (change: MeetingEvents['connection']) => void;
  /** The meeting has not started: the join waits for the organizer (it goes on by itself). */
  readonly onLobby?: (waiting: MeetingEvents['lobby']) => void;
}

export class HeadlessParticipant {
  readonly client: ConclaveClient;
  readonly #options: HeadlessOptions;
  readonly #clock: Clock;
  #meeting: Meeting | undefined;
  #media: SyntheticMedia | undefined;
  #requestedAt: number | undefined;
  #joinedAt: number | undefined;
  #firstFrameAt: number | undefined;
  #failure: unknown;
  #leaving = false;
  #lastError: Error | undefined;
  #lobby: readonly string[] | undefined;
  #endedBecause: string | undefined;
  readonly #ended: Promise<string>;
  #end: (reason: string) => void = () => undefined;
  readonly #sentListeners = new Set<(sent: SentFrame) => void>();

  constructor(client: ConclaveClient, options: HeadlessOptions) {
    this.client = client;
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#ended = new Promise((resolve) => (this.#end = resolve));
  }

  /**
   * Resolves with why, if the meeting ends for this participant without its leaving: removed,
   * the meeting ended, or the connection given up for good.
   */
  get ended(): Promise<string> {
    return this.#ended;
  }

  /** Why the meeting ended for this participant, if it did (see `ended`). */
  get endedBecause(): string | undefined {
    return this.#endedBecause;
  }

  get meeting(): Meeting | undefined {
    return this.#meeting;
  }

  /** Why `join` failed (a ClientError, usually). */
  get failure(): unknown {
    return this.#failure;
  }

  get joined(): boolean {
    return this.#joinedAt !== undefined && this.#meeting?.phase === 'joined';
  }

  /**
   * Joins; a sender starts its media as soon as its own keys are in place (unless `mediaOnJoin`
   * is false: then at `startMedia`). Never throws.
   */
  async join(meetingId: string, options: JoinOptions = {}): Promise<boolean> {
    const meeting = this.client.meeting(meetingId, options);
    this.#meeting = meeting;
    this.#watch(meeting);
    this.#requestedAt = this.#clock.now();
    try {
      await meeting.join();
    } catch (error) {
      this.#failure = error;
      return false;
    }
    this.#joinedAt = this.#clock.now();
    if (this.#options.receiveMedia === false) meeting.subscribe([]);
    if (this.#options.mediaOnJoin !== false) this.startMedia();
    return true;
  }

  /** A joined sender starts its synthetic media (once; nothing for a receiver or before joining). */
  startMedia(): void {
    const meeting = this.#meeting;
    if (this.#options.sendMedia && this.#media === undefined && this.joined && meeting) {
      const media = new SyntheticMedia((kind, data, o) => this.#publish(meeting, kind, data, o), {
        ...this.#options.media,
        clock: this.#clock,
      });
      this.#media = media;
      meeting.on('keyFrameRequest', () => media.requestKeyFrame());
      // A newcomer's first video frame should be decodable: a key frame for each new epoch.
      meeting.on('epoch', () => media.requestKeyFrame());
      media.start();
    }
  }

  stopMedia(): void {
    this.#media?.stop();
  }

  /** Each frame the synthetic media sent, as it goes out (the removal cut-off's end). */
  onFrameSent(listener: (sent: SentFrame) => void): () => void {
    this.#sentListeners.add(listener);
    return () => this.#sentListeners.delete(listener);
  }

  async #publish(
    meeting: Meeting,
    ...frame: Parameters<Meeting['publish']>
  ): Promise<PublishResult> {
    const result = await meeting.publish(...frame);
    if (result.kind === 'sent') for (const listener of this.#sentListeners) listener(result);
    return result;
  }

  async leave(): Promise<void> {
    this.#leaving = true;
    this.stopMedia();
    await this.#meeting?.leave();
  }

  close(): void {
    this.#leaving = true;
    this.stopMedia();
    this.#meeting?.close();
    this.client.close();
  }

  /**
   * Why this participant is not in the meeting, in a few words: a failed join's error code with
   * its first cause (what the socket or server said), why the meeting ended for it, or its phase.
   */
  notInBecause(): string {
    const failure = this.#failure;
    if (failure instanceof ClientError) {
      const said = failure.cause instanceof Error ? failure.cause.message : failure.serverCode;
      return said === undefined ? failure.code : `${failure.code} (${said.slice(0, 80)})`;
    }
    if (failure !== undefined) return 'join failed';
    if (this.#endedBecause !== undefined) return this.#endedBecause;
    return this.#meeting?.phase ?? 'not joined';
  }

  report(): ParticipantReport {
    const meeting = this.#meeting;
    const stats = meeting?.stats();
    const since = (at: number | undefined) =>
      at === undefined || this.#requestedAt === undefined ? undefined : at - this.#requestedAt;
    const joinedMs = since(this.#joinedAt);
    const firstFrameMs = since(this.#firstFrameAt);
    return {
      userId: this.client.user.id,
      displayName: this.client.user.displayName,
      joined: this.#joinedAt !== undefined,
      ...(this.#failure === undefined
        ? {}
        : { error: this.#failure instanceof Error ? this.#failure.message : 'join failed' }),
      ...(meeting === undefined ? {} : { phase: meeting.phase }),
      ...(this.#lobby === undefined ? {} : { lobby: this.#lobby }),
      ...(meeting?.participantId === undefined ? {} : { participantId: meeting.participantId }),
      ...(meeting?.relayId === undefined ? {} : { relayId: meeting.relayId }),
      ...(meeting?.e2ee === undefined ? {} : { e2ee: meeting.e2ee }),
      ...(meeting?.securityCode === undefined ? {} : { securityCode: meeting.securityCode }),
      ...(meeting?.epoch === undefined ? {} : { epoch: meeting.epoch.toString() }),
      epochs: stats?.epochs ?? 0,
      ...(joinedMs === undefined ? {} : { joinedMs }),
      ...(firstFrameMs === undefined ? {} : { firstFrameMs }),
      sendsMedia: this.#options.sendMedia,
      roster: (meeting?.roster ?? []).map((m) => ({
        leafIndex: m.leafIndex,
        userId: m.userId,
        deviceId: m.deviceId,
        displayName: m.displayName,
        fingerprint: m.fingerprint,
        verified: m.verified,
        self: m.self,
      })),
      sent: {
        ...(this.#media?.stats ?? { audioSent: 0, videoSent: 0, keyFramesSent: 0, notSent: 0 }),
      },
      frames: stats?.frames ?? {
        sent: 0,
        notSent: 0,
        refused: {},
        received: 0,
        decrypted: 0,
        dropped: {},
        droppedTotal: 0,
      },
      bySender: stats?.bySender ?? [],
      chat: { sent: stats?.chat.sent ?? 0, received: stats?.chat.received ?? 0 },
      reconnects: stats?.reconnects ?? 0,
      stalledSenders: (stats?.stalledSenders ?? []).map(({ since: _since, ...stall }) => stall),
      ...(this.#endedBecause === undefined ? {} : { endedBecause: this.#endedBecause }),
      ...(stats?.mls === undefined ? {} : { mls: stats.mls }),
    };
  }

  #watch(meeting: Meeting): void {
    const ended = (reason: string) => {
      if (this.#leaving || this.#endedBecause !== undefined || this.#joinedAt === undefined) return;
      this.#endedBecause = reason;
      this.stopMedia();
      this.#end(reason);
    };
    meeting.on('error', (error) => (this.#lastError = error));
    meeting.on('lobby', (l) => (this.#lobby = l.reasons.map((r) => r.code)));
    meeting.on('joined', () => (this.#lobby = undefined));
    const onConnection = this.#options.onConnection;
    if (onConnection !== undefined) meeting.on('connection', onConnection);
    const onLobby = this.#options.onLobby;
    if (onLobby !== undefined) meeting.on('lobby', onLobby);
    meeting.on('removed', (r) => ended(`removed from the meeting (${r.reason})`));
    meeting.on('connection', (c) => {
      if (c.state !== 'closed') return;
      ended(this.#lastError?.message ?? 'the meeting closed');
    });
    const emit = this.#options.onEvent;
    meeting.on('frame', (frame) => {
      if (this.#firstFrameAt !== undefined) return;
      this.#firstFrameAt = this.#clock.now();
      emit?.({
        event: 'first-frame',
        ...(frame.sender.userId === undefined ? {} : { fromUserId: frame.sender.userId }),
        ms: this.#firstFrameAt - (this.#requestedAt ?? this.#firstFrameAt),
      });
    });
    if (emit === undefined) return;
    const on = <K extends keyof MeetingEvents>(event: K, f: (payload: MeetingEvents[K]) => void) =>
      meeting.on(event, f);
    on('lobby', (l) => emit({ event: 'lobby', codes: l.reasons.map((r) => r.code) }));
    on('joined', (j) => emit({ event: 'joined', relayId: j.relayId, e2ee: j.e2ee }));
    on('epoch', (e) =>
      emit({
        event: 'epoch',
        epoch: e.epoch.toString(),
        ...(meeting.securityCode === undefined ? {} : { securityCode: meeting.securityCode }),
        members: meeting.roster.length,
      }),
    );
    on('connection', (c) => emit({ event: 'connection', ...c }));
    on('removed', (r) => emit({ event: 'removed', reason: r.reason }));
    on('keyChanged', (k) =>
      emit({
        event: 'key-changed',
        ...(k.identity === undefined ? {} : { userId: k.identity.userId }),
        fingerprint: k.fingerprint,
      }),
    );
    on('refused', (r) =>
      emit({
        event: 'refused',
        ...(r.identity === undefined ? {} : { userId: r.identity.userId }),
        reason: r.reason,
      }),
    );
    on('frameRefused', (r) =>
      emit({ event: 'frames-refused', mediaKind: r.mediaKind, reason: r.reason, frames: r.frames }),
    );
    on('chat', (c) =>
      emit({
        event: 'chat',
        ...(c.from.userId === undefined ? {} : { from: c.from.userId }),
        text: c.text,
      }),
    );
    on('senderStall', (stall) =>
      emit({
        event: stall.state === 'stalled' ? 'sender-stalled' : 'sender-cleared',
        relayId: stall.relayId,
        ...(stall.userId === undefined ? {} : { userId: stall.userId }),
        ...(stall.reason === undefined ? {} : { reason: stall.reason }),
      }),
    );
  }
}
