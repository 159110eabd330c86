// One visit to a meeting room, outside React: sign the SDK in with the session cookie, join,
// capture and publish, announce what is on (microphone, camera, screen, a raised hand), receive,
// chat and react. The page renders its snapshot (useSyncExternalStore).
import {
  ClientError,
  ConclaveClient,
  type BlockReason,
  type MediaState,
  type Meeting,
  type ReactionName,
  type RosterMember,
} from '@conclave/client';
import { workerFrameProtectors } from '@conclave/client/browser';
import { alertsOf, type RoomAlert } from './alerts.ts';
import { webClientInfo } from './capabilities.ts';
import {
  LocalDevices,
  noDevices,
  type DeviceChoice,
  type DeviceKind,
  type DeviceLists,
} from './devices.ts';
import { IndexedDbStore, oneDeviceAtATime } from './deviceStore.ts';
import { ReactionFeed, type ShownReaction } from './reactions.ts';
import { failureSentence, refusedWords, removedWords } from './roomWords.ts';
import { removeOverOwnConnection } from './removal.ts';
import { publishTrack, type Publisher } from './publisher.ts';
import { Receiver, type RemoteStream } from './receiver.ts';
import { frameStatsOf, type RoomFrameStats } from './RoomStats.tsx';

export interface ChatLine {
  readonly id: number;
  readonly from: string;
  readonly text: string;
  readonly own: boolean;
  readonly e2ee: boolean;
}

export type RoomPhase =
  | { readonly kind: 'lobby' }
  | { readonly kind: 'joining' }
  /** The meeting has not started: the join waits, and goes on by itself when it starts. */
  | { readonly kind: 'waiting'; readonly reasons: readonly BlockReason[] }
  | { readonly kind: 'joined' }
  | { readonly kind: 'blocked'; readonly reasons: readonly BlockReason[] }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'ended'; readonly message: string };

/** The signalling connection as the room shows it: live, or being made again (and why). */
export type RoomConnection =
  | { readonly kind: 'live' }
  | {
      readonly kind: 'reconnecting';
      readonly serverRestarting: boolean;
      readonly attempt: number | undefined;
      /** When the next attempt is due (ms since the epoch), while waiting for it. */
      readonly nextAttemptAt: number | undefined;
    };

export interface RoomSnapshot {
  readonly phase: RoomPhase;
  readonly connection: RoomConnection;
  readonly e2ee: boolean | undefined;
  readonly securityCode: string | undefined;
  /** How many different codes this visit has seen: the shield flashes when it changes. */
  readonly codeChanges: number;
  readonly roster: readonly RosterMember[];
  readonly ownFingerprint: string | undefined;
  readonly streams: readonly RemoteStream[];
  /** The relay id of the other participant speaking now (the receiver hears it), if anyone. */
  readonly speaker: number | undefined;
  /** What each other participant announced it has on, by participant id. */
  readonly media: ReadonlyMap<string, MediaState>;
  readonly chat: readonly ChatLine[];
  readonly local: MediaStream | null;
  /** The cameras, microphones and speakers to choose from, and the ones chosen. */
  readonly devices: DeviceLists;
  readonly deviceChoice: DeviceChoice;
  readonly microphoneOn: boolean;
  readonly cameraOn: boolean;
  readonly sharing: boolean;
  /** This participant's own hand; the others' are in `media`. */
  readonly handRaised: boolean;
  /** Reactions on screen now, oldest first (each for a few seconds). */
  readonly reactions: readonly ShownReaction[];
  readonly notice: string | null;
  /** Security findings, newest last, until dismissed (alerts.ts); never only a console line. */
  readonly alerts: readonly RoomAlert[];
  /** Senders refused for 2 s while sending (`senderStall`): not heard here, and said so. */
  readonly unheard: readonly string[];
}

const initial: RoomSnapshot = {
  phase: { kind: 'lobby' },
  connection: { kind: 'live' },
  e2ee: undefined,
  securityCode: undefined,
  codeChanges: 0,
  roster: [],
  ownFingerprint: undefined,
  streams: [],
  speaker: undefined,
  media: new Map(),
  chat: [],
  local: null,
  devices: noDevices,
  deviceChoice: {},
  microphoneOn: true,
  cameraOn: true,
  sharing: false,
  handRaised: false,
  reactions: [],
  notice: null,
  alerts: [],
  unheard: [],
};

export class RoomSession {
  readonly #meetingId: string;
  readonly #userId: string;
  /** What the words call it: the SDK joins a meeting and a 1:1 call alike, by id. */
  readonly #noun: 'meeting' | 'call';
  #snapshot: RoomSnapshot = initial;
  /** The user pressed Leave: the connection closing next is not a lost connection. */
  #leaving = false;
  readonly #listeners = new Set<() => void>();
  #client: ConclaveClient | undefined;
  #meeting: Meeting | undefined;
  /** SFrame runs in workers: the page never holds a media key (docs/web.md). */
  readonly #sframe = workerFrameProtectors();
  #receiver: Receiver | undefined;
  #audio: AudioContext | undefined;
  readonly #publishers = new Map<'audio' | 'camera' | 'screen', Publisher>();
  /** Whether this visit captured a microphone and a camera at all. */
  #microphone = false;
  #camera = false;
  #chatIds = 0;
  readonly #reactions = new ReactionFeed((reactions) => this.#update({ reactions }));
  #alertIds = 0;
  /** Relay id → name of each sender this browser cannot hear now. */
  readonly #unheard = new Map<number, string>();
  #closed = false;
  #previewing = false;
  readonly #devices = new LocalDevices((devices, deviceChoice) =>
    this.#update({ devices, deviceChoice }),
  );

  constructor(meetingId: string, userId: string, noun: 'meeting' | 'call' = 'meeting') {
    this.#meetingId = meetingId;
    this.#userId = userId;
    this.#noun = noun;
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  readonly snapshot = (): RoomSnapshot => this.#snapshot;

  get receiver(): Receiver | undefined {
    return this.#receiver;
  }

  /** The SDK client of this visit, once joining began (VerifyDialog verifies devices with it). */
  get client(): ConclaveClient | undefined {
    return this.#client;
  }

  /** The SDK's frame counters, read when the page renders (they change with every frame). */
  frameStats(): RoomFrameStats {
    return frameStatsOf(this.#meeting?.stats().frames, this.#sframe.stats());
  }

  #update(change: Partial<RoomSnapshot>): void {
    if (this.#closed) return;
    this.#snapshot = { ...this.#snapshot, ...change };
    for (const listener of this.#listeners) listener();
  }

  /** Called from the Join button: the click lets audio play and the camera be asked for. */
  async join(): Promise<void> {
    if (this.#snapshot.phase.kind !== 'lobby' && this.#snapshot.phase.kind !== 'failed') return;
    this.#update({ phase: { kind: 'joining' }, notice: null });
    this.#audio = new AudioContext({ sampleRate: 48_000 });
    try {
      await this.#devices.playOn(this.#audio).catch(() => undefined);
      const local = this.#snapshot.local ?? (await this.#devices.capture());
      this.#update({ local });
      const client = await oneDeviceAtATime(() =>
        ConclaveClient.connect({
          server: location.origin,
          auth: { cookie: true },
          store: new IndexedDbStore(this.#userId),
          deviceName: `Web browser (${navigator.platform || 'unknown system'})`,
          clientInfo: webClientInfo(),
        }),
      );
      this.#client = client;
      this.#update({ ownFingerprint: client.fingerprint });
      const meeting = client.meeting(this.#meetingId, { frameProtector: this.#sframe.factory });
      this.#meeting = meeting;
      this.#listen(meeting);
      this.#receiver = new Receiver(
        meeting,
        this.#audio,
        (streams) => this.#update({ streams }),
        (speaker) => this.#update({ speaker }),
      );
      const [audioTrack] = local.getAudioTracks();
      const [videoTrack] = local.getVideoTracks();
      // Said as soon as the meeting is joined (the SDK keeps it until then), before media flows.
      this.#microphone = audioTrack !== undefined;
      this.#camera = videoTrack !== undefined;
      this.#announce({ microphone: this.#microphone, camera: this.#camera, screen: false });
      await meeting.join();
      this.#update({ phase: { kind: 'joined' }, e2ee: meeting.e2ee, roster: meeting.roster });
      // The tracks are cloned: the page's own preview keeps the original.
      if (audioTrack)
        this.#publishers.set('audio', publishTrack(meeting, 'audio', audioTrack.clone()));
      if (videoTrack)
        this.#publishers.set('camera', publishTrack(meeting, 'camera', videoTrack.clone()));
    } catch (error) {
      this.#failed(error);
    }
  }

  /** Before joining: the chosen camera and microphone, to see and check (the lobby's preview). */
  async preview(): Promise<void> {
    if (this.#previewing || this.#snapshot.local !== null) return;
    if (this.#snapshot.phase.kind !== 'lobby') return;
    this.#previewing = true;
    try {
      const local = await this.#devices.capture();
      if (this.#closed || this.#snapshot.phase.kind !== 'lobby') {
        for (const track of local.getTracks()) track.stop();
        return;
      }
      this.#update({ local });
    } catch {
      // No camera or no permission yet: the Join button asks again and says why if it fails.
      await this.#devices.refresh().catch(() => undefined);
    } finally {
      this.#previewing = false;
    }
  }

  /**
   * Another camera, microphone or speaker, before or during the meeting. A joined participant's
   * new track replaces the old one in what it sends, keeping mute and camera-off as they were.
   */
  async chooseDevice(kind: DeviceKind, id: string): Promise<void> {
    this.#devices.choose(kind, id);
    if (kind === 'speaker') return this.#devices.playOn(this.#audio);
    const local = this.#snapshot.local;
    if (local === null) return;
    const { stream, track } = await this.#devices.switchTrack(local, kind);
    if (kind === 'camera') track.enabled = this.#snapshot.cameraOn;
    this.#update({ local: stream });
    const sending = kind === 'camera' ? 'camera' : 'audio';
    const before = this.#publishers.get(sending);
    if (before === undefined || this.#meeting === undefined) return;
    before.stop();
    const after = publishTrack(this.#meeting, sending, track.clone());
    after.paused = before.paused;
    this.#publishers.set(sending, after);
  }

  #listen(meeting: Meeting): void {
    meeting.on('lobby', ({ reasons }) => this.#update({ phase: { kind: 'waiting', reasons } }));
    meeting.on('securityCode', (code) => {
      const changed = code !== this.#snapshot.securityCode;
      this.#update({
        securityCode: code,
        codeChanges: this.#snapshot.codeChanges + (changed ? 1 : 0),
      });
    });
    meeting.on('roster', (roster) => {
      this.#update({ roster });
      const relays = new Set<number>();
      for (const member of roster) if (member.relayId !== undefined) relays.add(member.relayId);
      this.#receiver?.keepOnly(relays);
    });
    const media = () => {
      const known = new Map<string, MediaState>();
      for (const { participantId } of meeting.participants) {
        const state = meeting.mediaStateOf(participantId)?.state;
        if (state !== undefined && participantId !== meeting.participantId)
          known.set(participantId, state);
      }
      this.#update({ media: known });
    };
    meeting.on('media-state', media);
    meeting.on('participants', media);
    meeting.on('reaction', ({ from, reaction }) =>
      this.#reactions.add(from.participantId, from.displayName ?? 'Someone', reaction),
    );
    meeting.on('chat', (message) =>
      this.#addChat(message.from.displayName ?? 'Someone', message.text, false, message.e2ee),
    );
    meeting.on('keyFrameRequest', ({ mediaKind }) => {
      if (mediaKind === 'camera' || mediaKind === 'screen') {
        this.#publishers.get(mediaKind)?.requestKeyFrame();
      }
    });
    alertsOf(meeting, this.#noun, (alert) => this.#alert(alert));
    // The relay forwards a participant's frames only on the streams the server assigned it; if it
    // refuses ours, the others do not see or hear it, and the user should know.
    meeting.on('frameRefused', ({ mediaKind }) => {
      const notice = refusedWords[mediaKind];
      if (this.#snapshot.notice !== notice) this.#update({ notice });
    });
    meeting.on('senderStall', (stall) => {
      if (stall.state === 'stalled') {
        this.#unheard.set(stall.relayId, stall.displayName ?? 'Someone');
      } else {
        this.#unheard.delete(stall.relayId);
      }
      this.#update({ unheard: [...this.#unheard.values()] });
    });
    meeting.on('connection', (c) => {
      if (c.state === 'connected') {
        if (this.#snapshot.connection.kind !== 'live')
          this.#update({ connection: { kind: 'live' } });
        return;
      }
      if (c.state === 'closed') {
        // Closed under a joined room without its leaving: the connection was given up for good.
        if (this.#leaving || this.#snapshot.phase.kind !== 'joined') return;
        this.#stopMedia();
        this.#update({
          connection: { kind: 'live' },
          phase: { kind: 'ended', message: 'The connection to the meeting server was lost.' },
        });
        return;
      }
      if (c.state !== 'reconnecting') return;
      const previous = this.#snapshot.connection;
      this.#update({
        connection: {
          kind: 'reconnecting',
          serverRestarting:
            c.reason === 'server_restarting' ||
            (previous.kind === 'reconnecting' && previous.serverRestarting),
          attempt: c.attempt,
          nextAttemptAt:
            c.nextAttemptInMs === undefined ? undefined : Date.now() + c.nextAttemptInMs,
        },
      });
    });
    meeting.on('removed', ({ reason }) => {
      this.#stopMedia();
      this.#update({
        phase: { kind: 'ended', message: removedWords[reason] ?? 'You left the meeting.' },
      });
    });
  }

  #alert(alert: Omit<RoomAlert, 'id'>): void {
    // One line per thing said: a refusal repeated for the same device adds nothing.
    if (this.#snapshot.alerts.some((a) => a.key === alert.key)) return;
    this.#update({ alerts: [...this.#snapshot.alerts, { ...alert, id: ++this.#alertIds }] });
  }

  dismissAlert(id: number): void {
    this.#update({ alerts: this.#snapshot.alerts.filter((a) => a.id !== id) });
  }

  #failed(error: unknown): void {
    this.#stopMedia();
    this.#client?.close();
    this.#client = undefined;
    if (error instanceof ClientError && error.code === 'join_blocked') {
      this.#update({ phase: { kind: 'blocked', reasons: error.reasons } });
      return;
    }
    this.#update({ phase: { kind: 'failed', message: failureSentence(error) } });
  }

  #addChat(from: string, text: string, own: boolean, e2ee: boolean): void {
    const line: ChatLine = { id: ++this.#chatIds, from, text, own, e2ee };
    this.#update({ chat: [...this.#snapshot.chat, line] });
  }

  async sendChat(text: string): Promise<void> {
    const meeting = this.#meeting;
    if (meeting === undefined) return;
    await meeting.sendChat(text);
    this.#addChat('You', text, true, meeting.e2ee === true);
  }

  /** The organizer (or an admin) removes someone (removal.ts); rejects with a sentence. */
  async removeParticipant(participantId: string): Promise<void> {
    const meeting = this.#meeting;
    if (meeting === undefined) throw new Error(`You are not in the ${this.#noun}.`);
    await removeOverOwnConnection(meeting, participantId);
  }

  /**
   * The others are told what is on, so their pages need not guess from silence. Announced only for
   * a track this visit has: without a microphone there is nothing to unmute.
   */
  #announce(change: Partial<MediaState>): void {
    this.#meeting?.setMediaState(change).catch(() => undefined);
  }

  /** Raises or lowers this participant's hand: part of what it announces, so joiners see it. */
  setHand(raised: boolean): void {
    this.#update({ handRaised: raised });
    this.#announce({ hand: raised });
  }

  /** Sends a reaction (E2EE meetings: inside the group) and shows it on this page too. */
  async react(reaction: ReactionName): Promise<void> {
    await this.#meeting?.react(reaction);
    this.#reactions.add(undefined, 'You', reaction);
  }

  setMicrophone(on: boolean): void {
    const publisher = this.#publishers.get('audio');
    if (publisher) publisher.paused = !on;
    this.#update({ microphoneOn: on });
    if (this.#microphone) this.#announce({ microphone: on });
  }

  setCamera(on: boolean): void {
    const publisher = this.#publishers.get('camera');
    if (publisher) {
      publisher.paused = !on;
      if (on) publisher.requestKeyFrame();
    }
    for (const track of this.#snapshot.local?.getVideoTracks() ?? []) track.enabled = on;
    this.#update({ cameraOn: on });
    if (this.#camera) this.#announce({ camera: on });
  }

  async toggleScreen(): Promise<void> {
    const meeting = this.#meeting;
    if (meeting === undefined) return;
    const current = this.#publishers.get('screen');
    if (current) {
      current.stop();
      this.#publishers.delete('screen');
      this.#update({ sharing: false });
      this.#announce({ screen: false });
      return;
    }
    try {
      const screen = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
      const [track] = screen.getVideoTracks();
      if (!track) return;
      track.addEventListener('ended', () => {
        const publisher = this.#publishers.get('screen');
        // Stopped from the button already (which stops the track too): said once is enough.
        if (publisher === undefined) return;
        publisher.stop();
        this.#publishers.delete('screen');
        this.#update({ sharing: false });
        this.#announce({ screen: false });
      });
      this.#publishers.set('screen', publishTrack(meeting, 'screen', track));
      this.#update({ sharing: true, notice: null });
      this.#announce({ screen: true });
    } catch {
      this.#update({ notice: 'Screen sharing did not start: the browser did not allow it.' });
    }
  }

  /** Told when the user presses Leave (a call's page hangs the call up). */
  onLeave: (() => void) | undefined;

  async leave(): Promise<void> {
    this.#leaving = true;
    this.onLeave?.();
    this.#stopMedia();
    await this.#meeting?.leave().catch(() => undefined);
    this.#client?.close();
    this.#update({ phase: { kind: 'ended', message: `You left the ${this.#noun}.` } });
  }

  #stopMedia(): void {
    for (const publisher of this.#publishers.values()) publisher.stop();
    this.#publishers.clear();
    for (const track of this.#snapshot.local?.getTracks() ?? []) track.stop();
    this.#receiver?.close();
  }

  /** The page went away: nothing may keep the camera or the connection open. */
  close(): void {
    this.#stopMedia();
    this.#reactions.close();
    this.#client?.close();
    void this.#audio?.close().catch(() => undefined);
    this.#closed = true;
    this.#listeners.clear();
  }
}
