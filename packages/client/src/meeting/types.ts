// The public shapes of a meeting: its phases, events, options and counters.
import type { MlsTimings } from '../mls/timings.ts';
import type { MlsTurns } from '../mls/turns.ts';
import type { SenderSwitchCounts } from './sender-switch.ts';
import type {
  DeviceCredential,
  MeetingState,
  MemberIdentity,
  MlsCrypto,
  PinStore,
  SFrameCryptoBackend,
} from '@conclave/crypto/member';
import type { Clock } from '../clock.ts';
import type { BlockReason, ClientError } from '../errors.ts';
import type { LiveDirectory } from '../identity/directory.ts';
import type { DevicePins } from '../identity/pins.ts';
import type { VerifiedDevices } from '../identity/verified-devices.ts';
import type { FrameProtectorFactory } from '../media/frame-protector.ts';
import type { ReceivedFrame } from '../media/media-session.ts';
import type { SenderStall, StallReason } from '../media/sender-stalls.ts';
import type { FrameCounters, FrameDropReason, SenderCounters } from '../media/stats.ts';
import type { Me } from '../rest/rest-client.ts';
import type { KeyValueStore } from '../store/key-value.ts';
import type { WebSocketFactory } from '../transport/websocket.ts';
import type {
  ClientInfo,
  FrameRefusedReason,
  MediaKind,
  ReactionName,
  ServerMessage,
} from '../wire.ts';
import type { ReconnectPolicy, ReconnectReason } from './connector.ts';
import type { Participant } from './participants.ts';
import type { DeviceNote, RosterMember } from './roster.ts';

export type RemovedReason =
  Extract<ServerMessage, { type: 'removed' }>['reason'] | 'removed-from-group';

export type MeetingPhase =
  'new' | 'joining' | 'joined' | 'reconnecting' | 'left' | 'removed' | 'closed';

export interface ChatMessage {
  readonly from: {
    readonly participantId: string;
    readonly userId: string | undefined;
    readonly displayName: string | undefined;
    /** E2EE: the sender's MLS leaf. */
    readonly leafIndex: number | undefined;
  };
  readonly text: string;
  /** True when the text travelled as an MLS application message. */
  readonly e2ee: boolean;
  /** When this client received it (the injected clock). */
  readonly receivedAt: number;
}

/**
 * Whether a participant's microphone, camera and screen share are on, and whether their hand is
 * raised, as they said it. `hand` left out: not raised (older clients never say it).
 */
export interface MediaState {
  readonly microphone: boolean;
  readonly camera: boolean;
  readonly screen: boolean;
  readonly hand?: boolean;
}

/** A reaction another participant sent (`Meeting.react`): an event, not a state. */
export interface Reaction {
  readonly from: {
    readonly participantId: string;
    readonly userId: string | undefined;
    readonly displayName: string | undefined;
  };
  readonly reaction: ReactionName;
  /** True when it travelled as an MLS application message. */
  readonly e2ee: boolean;
  /** When this client received it (the injected clock). */
  readonly receivedAt: number;
}

/** A participant's announced media state, as this client last received it. */
export interface MediaStateChange {
  readonly participantId: string;
  /** E2EE: the user of the MLS leaf that sent it; standard: the server's participant list. */
  readonly userId: string | undefined;
  readonly state: MediaState;
  /** When this client received it (the injected clock). */
  readonly at: number;
}

export interface KeyChange {
  /** A member device whose key differs from the pinned one, or the server's external sender. */
  readonly subject: 'device' | 'server';
  readonly identity?: MemberIdentity;
  /** The directory's name for the device's person. */
  readonly displayName?: string;
  readonly fingerprint: string;
  readonly pinnedFingerprint?: string;
  /**
   * The device was marked verified on this device (ConclaveClient.verifyDevice) with the key it
   * had: the mark is removed, and the user must be told plainly — not in a footnote.
   */
  readonly wasVerified?: boolean;
}

/**
 * A device first seen in this meeting while its person is here with another device
 * (`second-device`), or after this client had known the person with another device
 * (`new-device`). The device was accepted (its key matches the directory); this says it is new.
 */
export interface NewDevice {
  readonly userId: string;
  readonly deviceId: string;
  readonly note: DeviceNote;
  /** The roster's label for the person (the name, told apart from a namesake's). */
  readonly label: string;
  readonly displayName?: string;
  readonly fingerprint: string;
  readonly leafIndex: number;
}

export interface RefusedCredential {
  /**
   * `unknown_device` (the directory does not know it), `not_admitted` (its person is not one the
   * meeting may contain), `directory_key_mismatch`, `unsupported_credential`, `bad_identity`.
   */
  readonly reason: string;
  readonly identity?: MemberIdentity;
  /** The directory's name for the credential's person, when it knows them. */
  readonly displayName?: string;
  readonly fingerprint: string;
}

/**
 * Something only a server that lies would do, caught by this member (docs/e2ee-profile.md "Who
 * may enter"). `unadmitted-add`: the server proposed adding someone no organizer's signed
 * admission covers — this member refused it, and stays on its epoch.
 */
export interface SecurityAlarm {
  readonly kind: 'unadmitted-add';
  /** The sentence to show, naming what happened. */
  readonly message: string;
  readonly identity?: MemberIdentity;
  readonly displayName?: string;
  readonly fingerprint: string;
}

export interface MeetingEvents {
  connection: {
    readonly state: 'connecting' | 'connected' | 'reconnecting' | 'closed';
    /** While reconnecting: the attempt made now, or (with `nextAttemptInMs`) the one due next. */
    readonly attempt?: number;
    readonly nextAttemptInMs?: number;
    /** While reconnecting: the server said it is restarting, or the connection just went. */
    readonly reason?: ReconnectReason;
  };
  joined: {
    readonly participantId: string;
    readonly relayId: number;
    readonly e2ee: boolean;
    readonly resumed: boolean;
  };
  roster: readonly RosterMember[];
  participants: readonly Participant[];
  securityCode: string;
  epoch: { readonly epoch: bigint; readonly leafIndex: number };
  frame: ReceivedFrame;
  chat: ChatMessage;
  /** Another participant reacted. */
  reaction: Reaction;
  /**
   * Another participant said what it has on (`setMediaState`), or repeated it: after every epoch
   * change in E2EE meetings, and to a joiner in standard ones. Not emitted for this participant.
   */
  'media-state': MediaStateChange;
  blocked: { readonly reasons: readonly BlockReason[] };
  /**
   * The meeting has not started: this join waits in its lobby (`reasons`: `MEETING_NOT_STARTED`,
   * with the sentence to show) and goes on by itself when the organizer starts it — `joined`
   * follows — or ends with `blocked` if the meeting is cancelled. `join()` does not time out
   * while waiting. Emitted again if the server repeats it (after a reconnect).
   */
  lobby: { readonly reasons: readonly BlockReason[] };
  /**
   * Out of the meeting, and why: `removed-by-organizer` (joining again is blocked while it runs),
   * `signed-out` (the session ended), `not-admitted` (the organization's rules no longer admit this
   * user; `reasons` says which), `meeting-ended`, `timed-out`, `removed-from-group`, …
   */
  removed: { readonly reason: RemovedReason; readonly reasons?: readonly BlockReason[] };
  keyChanged: KeyChange;
  /** A device of someone already known is new here (see NewDevice). Emitted once per note. */
  newDevice: NewDevice;
  /** The authentication service refused a credential (unknown device, directory mismatch…). */
  refused: RefusedCredential;
  /** A server that lies was caught (see SecurityAlarm). Once per device added. */
  alarm: SecurityAlarm;
  dropped: { readonly reason: FrameDropReason; readonly relayId: number | undefined };
  keyFrameRequest: { readonly streamId: number; readonly mediaKind: MediaKind | undefined };
  /**
   * The relay refused frames this participant sent and forwarded them to nobody (counted in
   * `stats().frames.refused`, no longer as sent). At most once per stream and reason per second;
   * `frames` is how many since the previous one.
   */
  frameRefused: {
    readonly streamId: number;
    readonly mediaKind: MediaKind;
    readonly reason: FrameRefusedReason;
    readonly frames: number;
  };
  /**
   * Every frame of a sender has been refused for 2 s while they kept arriving (`stalled`: this
   * user does not hear or see them, and should be told), or they decrypt again (`cleared`).
   */
  senderStall: SenderStallEvent;
  /** Where a `removeParticipant` of this participant's stands (see RemovalEvent). */
  removal: RemovalEvent;
  error: ClientError;
}

/**
 * A removal asked with `removeParticipant`, step by step. `accepted`: `removed` are out of the
 * meeting now (no media, no rejoining), the record may still wait for the server's database;
 * `recorded`: recorded and audited, the group's change proposed; `done`: and this client's group
 * no longer holds them (E2EE) — the promise resolves; `refused`: nothing was done, `message` says
 * why in a sentence for a person, `code` is stable (forbidden, not_found, conflict, unavailable,
 * failed).
 */
export type RemovalEvent =
  | {
      readonly participantId: string;
      readonly state: 'accepted' | 'recorded' | 'done';
      readonly removed: readonly string[];
    }
  | {
      readonly participantId: string;
      readonly state: 'refused';
      readonly code: string;
      readonly message: string;
    };

/** A sender this receiver cannot hear, by relay id and (as the server names them) person. */
export interface SenderStallEvent {
  readonly state: 'stalled' | 'cleared';
  readonly relayId: number;
  /** Why its frames are refused (stalled only). */
  readonly reason?: StallReason;
  readonly userId?: string;
  readonly displayName?: string;
}

export interface JoinOptions {
  /** Until the first epoch (E2EE) or media key (standard). Default 60 s. */
  readonly timeoutMs?: number;
  readonly reconnect?: ReconnectPolicy;
  /** How long superseded media keys still decrypt frames in flight. Default 10 s. */
  readonly retentionMs?: number;
  readonly pingIntervalMs?: number;
  readonly silenceTimeoutMs?: number;
  /**
   * After `commit-failed`, join again with a fresh KeyPackage, at most this many times per
   * meeting (each costs the group two commits). Default 3; 0 turns it off.
   */
  readonly maxRejoins?: number;
  /** Delay before the first rejoin, doubled each time. Default 1 s. */
  readonly rejoinDelayMs?: number;
  /**
   * E2EE: how long senders keep the previous epoch's keys after a commit that added members or
   * refreshed keys, waiting for the server's word that every member has the new epoch. Default 1 s.
   */
  readonly sendSwitchBoundMs?: number;
  /**
   * Where SFrame protect / unprotect runs. Default: an EpochKeyRing in this process over the
   * client's `sframeBackend`. A browser may run it in a Web Worker so keys never sit on the page.
   */
  readonly frameProtector?: FrameProtectorFactory;
  /** Diagnostics and tests only: sees every MLS group state adopted (it holds secrets). */
  readonly inspect?: (state: MeetingState) => void;
}

export interface MeetingStats {
  readonly frames: FrameCounters & { readonly droppedTotal: number };
  readonly bySender: readonly (SenderCounters & {
    readonly userId?: string;
    readonly displayName?: string;
  })[];
  readonly chat: { readonly sent: number; readonly received: number; readonly dropped: number };
  /** Reactions sent and received; E2EE ones whose claimed sender does not check out are dropped. */
  readonly reactions: {
    readonly sent: number;
    readonly received: number;
    readonly dropped: number;
  };
  /**
   * Media-state announcements sent (each repetition counts) and received; E2EE ones whose claimed
   * sender does not check out are dropped.
   */
  readonly mediaState: {
    readonly sent: number;
    readonly received: number;
    readonly dropped: number;
  };
  /** Epochs entered (E2EE) or media keys installed (standard). */
  readonly epochs: number;
  readonly epoch: bigint | undefined;
  readonly reconnects: number;
  /**
   * E2EE: how this member's senders moved to new epochs — after every member had the epoch
   * (`confirmed`), after the bound without that (`bound`), or at once (a removal, the first epoch).
   */
  readonly senderSwitches: SenderSwitchCounts;
  /** E2EE: how long this member's own MLS work took, per epoch (the load tool's critical path). */
  readonly mls?: MlsTimings;
  /** Senders whose frames this receiver has refused without a break for 2 s (senderStall). */
  readonly stalledSenders: readonly (SenderStall & {
    readonly userId?: string;
    readonly displayName?: string;
  })[];
}

/** What a meeting needs from its client; built by ConclaveClient. */
export interface MeetingDeps {
  readonly server: string;
  readonly token: string | undefined;
  readonly user: Me;
  readonly device: DeviceCredential;
  readonly mlsCrypto: MlsCrypto;
  /** Undefined when this client cannot do the post-quantum suite. */
  readonly pqMlsCrypto?: MlsCrypto | undefined;
  readonly sframeBackend: SFrameCryptoBackend;
  /** Runs the MLS steps members time (ConnectOptions.mlsTurns). */
  readonly mlsTurns?: MlsTurns | undefined;
  readonly store: KeyValueStore;
  readonly pins: PinStore & Partial<Pick<DevicePins, 'priorDevices'>>;
  /** Devices this user verified by hand, kept in `store`. */
  readonly verified: VerifiedDevices;
  readonly directory: LiveDirectory;
  readonly clock: Clock;
  readonly webSocket: WebSocketFactory;
  readonly clientInfo: ClientInfo;
}
