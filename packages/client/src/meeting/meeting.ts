// One meeting from this client's side, as an application sees it: join, leave, media, chat,
// announced media state, the state getters and the typed events. The moving parts (connection,
// phase, the E2EE or standard mode, inbound handling) are in meeting-runtime.ts.
import { acceptChangedKey, type MemberIdentity } from '@conclave/crypto/member';
import { ClientError } from '../errors.ts';
import type { IngestResult, PublishOptions, PublishResult } from '../media/media-session.ts';
import { encodeControl, REACTIONS, type MediaKind, type ReactionName } from '../wire.ts';
import { MAX_CHAT_LENGTH } from './chat.ts';
import { MeetingRuntime } from './meeting-runtime.ts';
import type { Participant } from './participants.ts';
import { isLive, publicPhase } from './phase.ts';
import type { RemovalResult } from './removals.ts';
import { standardRoster, type RosterMember } from './roster.ts';
import { meetingStats } from './stats.ts';
import type {
  JoinOptions,
  MediaState,
  MediaStateChange,
  MeetingDeps,
  MeetingEvents,
  MeetingPhase,
  MeetingStats,
} from './types.ts';

export class Meeting {
  readonly id: string;
  readonly #run: MeetingRuntime;

  constructor(meetingId: string, deps: MeetingDeps, options: JoinOptions = {}) {
    this.id = meetingId;
    this.#run = new MeetingRuntime(meetingId, deps, options);
  }

  // ---- state ---------------------------------------------------------------------------------

  get phase(): MeetingPhase {
    return publicPhase(this.#run.phase);
  }

  /** Undefined until the server said which kind of meeting this is. */
  get e2ee(): boolean | undefined {
    return this.#run.mode?.e2ee;
  }

  get relayId(): number | undefined {
    return this.#run.relayId;
  }

  get participantId(): string | undefined {
    return this.#run.participantId;
  }

  get epoch(): bigint | undefined {
    return this.#run.mode?.epoch;
  }

  /**
   * The epoch this participant's media is protected under. E2EE: behind `epoch` after a commit
   * that only added members or refreshed keys, until every member has the new epoch or the
   * switch bound passes (docs/media.md "Rekeying without a gap"); the same otherwise.
   */
  get mediaEpoch(): bigint | undefined {
    return this.#run.admission === undefined ? undefined : this.#run.keys().ring.currentEpoch;
  }

  get leafIndex(): number | undefined {
    return this.#run.mode?.leafIndex;
  }

  /** E2EE: the 20-digit code every member of this epoch shows. Undefined in standard meetings. */
  get securityCode(): string | undefined {
    return this.#run.mode?.securityCode;
  }

  get roster(): RosterMember[] {
    const run = this.#run;
    return run.mode?.roster() ?? standardRoster(run.participants.all(), undefined, run.people);
  }

  get participants(): Participant[] {
    return this.#run.participants.all();
  }

  stats(): MeetingStats {
    const run = this.#run;
    return meetingStats(run.admission?.media, run.participants, {
      chat: run.chatCounts,
      reactions: run.reactionCounts,
      mediaState: run.announcer.counts,
      epochs: run.epochs,
      epoch: this.epoch,
      reconnects: run.connector.reconnects,
      senderSwitches: run.mode?.senderSwitches,
      mls: run.mode?.mlsTimings,
    });
  }

  on<K extends keyof MeetingEvents>(
    event: K,
    listener: (payload: MeetingEvents[K]) => void,
  ): () => void {
    return this.#run.events.on(event, listener);
  }

  once<K extends keyof MeetingEvents>(
    event: K,
    listener: (payload: MeetingEvents[K]) => void,
  ): () => void {
    return this.#run.events.once(event, listener);
  }

  off<K extends keyof MeetingEvents>(
    event: K,
    listener: (payload: MeetingEvents[K]) => void,
  ): void {
    this.#run.events.off(event, listener);
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  /**
   * Connects and joins. Resolves once media keys are in place: the first epoch of the MLS group
   * (E2EE) or the first server media key (standard). Rejects with ClientError: `join_blocked`
   * (with the server's reasons), `not_authenticated`, `connection_failed`, `server_key_changed`,
   * `group_failed`, `timeout`, `closed`. A meeting not started keeps it waiting (event `lobby`),
   * without a time-out, until the organizer starts it.
   */
  async join(): Promise<void> {
    const run = this.#run;
    if (run.phase.kind !== 'new') throw new ClientError('invalid_argument');
    const { clock } = run.deps;
    const timer = clock.setTimeout(
      () => run.fail(new ClientError('timeout')),
      run.options.timeoutMs ?? 60_000,
    );
    // Waiting for the organizer is not a slow join: the person waits until the meeting starts.
    const stopWaitingTimer = run.events.once('lobby', () => clock.clearTimeout(timer));
    try {
      // Whatever settles first wins: the join completing, or a failure (timeout, close, block).
      await Promise.race([run.start(), run.ready.promise]);
    } catch (error) {
      const failure =
        error instanceof ClientError
          ? error
          : new ClientError('connection_failed', { cause: error });
      run.fail(failure);
      throw failure;
    } finally {
      clock.clearTimeout(timer);
      stopWaitingTimer();
    }
  }

  /** Leaves the meeting: sending stops at once; keys still decrypt in-flight frames for the retention time. */
  async leave(): Promise<void> {
    const run = this.#run;
    if (!isLive(run.phase)) return;
    run.send({ type: 'leave', meetingId: this.id });
    await run.queue.idle();
    run.end('left');
  }

  /** Idempotent. Rejects a pending `join`, closes the connection and forgets every key. */
  close(): void {
    this.#run.close();
  }

  /**
   * The organizer (or an admin) removes `participantId` — with every other device of that user —
   * from the meeting; they may not rejoin while it runs. They are out of the media at once; the
   * promise resolves once the server recorded the removal and, in an E2EE meeting, this client's
   * group no longer holds them (the group rekeyed, the security code changed). While the server's
   * database is away it keeps waiting (`removal` events say where it stands). Rejects with
   * ClientError `server` (serverCode: forbidden, not_found, conflict, unavailable, failed),
   * `invalid_argument` (no such participant listed, or already being removed), `not_joined`,
   * `connection_failed` (the socket dropped before the answer: check the participant list), `closed`.
   */
  removeParticipant(participantId: string): Promise<RemovalResult> {
    if (this.#run.phase.kind !== 'joined') return Promise.reject(new ClientError('not_joined'));
    return this.#run.removals.ask(participantId);
  }

  // ---- media and chat ------------------------------------------------------------------------

  /** Encrypts and sends one encoded frame. Never throws for a frame that cannot go out now. */
  async publish(
    kind: MediaKind,
    data: Uint8Array,
    options: PublishOptions = {},
  ): Promise<PublishResult> {
    const phase = this.#run.phase;
    if (phase.kind !== 'joined') return { kind: 'not_sent', reason: 'not_connected' };
    return phase.admission.media.publish(kind, data, options);
  }

  /** Decrypts an envelope that reached this client some other way (a recording, a test). */
  ingest(bytes: Uint8Array): Promise<IngestResult> {
    return this.#run.queue.run(() => this.#run.ingest(bytes));
  }

  /** Asks the relay for a key frame of `streamId` (after a decoder error). */
  requestKeyFrame(streamId: number): boolean {
    return this.#run.connector.sendBinary(encodeControl({ kind: 'key_frame_request', streamId }));
  }

  /** Receive only these kinds (default: all). E2EE: the relay sends none before the Welcome. */
  subscribe(kinds: readonly MediaKind[]): boolean {
    const media = this.#run.admission?.media;
    if (media !== undefined) return media.subscribe(kinds);
    return this.#run.connector.sendBinary(
      encodeControl({ kind: 'subscribe', mediaKinds: kinds, streams: 'all' }),
    );
  }

  /** E2EE meetings: an MLS application message; standard meetings: chat through the server. */
  async sendChat(text: string): Promise<void> {
    if (text.length === 0 || text.length > MAX_CHAT_LENGTH)
      throw new ClientError('invalid_argument');
    const phase = this.#run.phase;
    if (phase.kind !== 'joined') throw new ClientError('not_joined');
    await phase.admission.mode.sendChat(text);
    this.#run.chatCounts.sent++;
  }

  /**
   * Sends a reaction (one of REACTIONS) to everyone in the meeting — E2EE meetings: an MLS
   * application message the server cannot read; standard meetings: `reaction` through the server.
   * Rejects `invalid_argument` for another name, `not_joined` when it cannot go out.
   */
  async react(reaction: ReactionName): Promise<void> {
    if (!REACTIONS.includes(reaction)) throw new ClientError('invalid_argument');
    const phase = this.#run.phase;
    if (phase.kind !== 'joined') throw new ClientError('not_joined');
    await phase.admission.mode.sendReaction(reaction);
    this.#run.reactionCounts.sent++;
  }

  /**
   * Says what this participant has on, so the others need not guess from silence (a stalled
   * network is not a mute). Fields left out keep their last value (off before the first call).
   * E2EE meetings: an MLS application message, said again after every epoch change because new
   * members cannot read older ones; standard meetings: `media-state` through the server, which
   * hands the last one to whoever joins later. Before the meeting is joined the state is kept and
   * said once it is. A raised hand (`hand: true`) is part of this state, so later joiners see it.
   * Rejects `invalid_argument` for a field that is not a boolean.
   */
  async setMediaState(change: Partial<MediaState>): Promise<void> {
    await this.#run.announcer.set(change);
  }

  /**
   * The media state `participantId` last announced (this participant's own included), or undefined
   * if it said none (an older client, or nothing received yet).
   */
  mediaStateOf(participantId: string): MediaStateChange | undefined {
    const run = this.#run;
    if (participantId === run.participantId)
      return run.announcer.own(participantId, run.deps.user.id);
    return run.announcer.of(participantId);
  }

  /** The user's explicit decision to trust a device's new key, after a `keyChanged` event. */
  async acceptChangedKey(identity: MemberIdentity): Promise<void> {
    const { directory, pins } = this.#run.deps;
    await directory.refresh();
    const key = directory.signatureKey(identity);
    if (key === undefined) throw new ClientError('invalid_argument');
    await acceptChangedKey(pins, identity, key);
  }
}
