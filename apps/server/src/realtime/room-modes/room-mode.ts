// What makes an E2EE room differ from a standard one, behind one interface the room calls without
// knowing which it has (style guide: one implementation per mode, no `if (e2ee)` branches).
// ./e2ee-mode.ts runs the MLS delivery service; ./standard-mode.ts holds the server's media key,
// chat and announced media state. The room keeps what both share: participants, the roster,
// admission, the relay, leaving and closing.
import type { MlsCrypto } from '@conclave/crypto/server';
import type { AppContext } from '../../context.ts';
import type { JoinTarget } from '../admission.ts';
import type { ExternalSenders } from '../mls/external-senders.ts';
import type { Departure, JoinOutcome, MlsJoinInfo } from '../mls/delivery-types.ts';
import type { Joiner } from '../mls/group-state.ts';
import type { HostLease } from '../mls/group-store.ts';
import type { ResolvedRealtimeOptions } from '../options.ts';
import type { Peer } from '../peer.ts';
import type { BlockReason, DetachReason, JoinRequest } from '../room-types.ts';
import type { MeetingMessage, ServerMessage, SignalingErrorCode } from '../signaling.ts';

/** A meeting message the room does not answer itself: every one of them belongs to a mode. */
export type ModeMessage = Exclude<
  MeetingMessage,
  { type: 'join' | 'leave' | 'remove-participant' }
>;

/** Puts the joiner's socket into the meeting under `participantId` (the room's part). */
export type Attach = (participantId: string, mls: MlsJoinInfo | undefined) => void;

/** The mode's verdict on a join request that governance admitted: go ahead, or a typed refusal. */
export type JoinCheck =
  | {
      readonly kind: 'ready';
      /** Brings the joiner in (the room has already replaced their device's older socket). */
      readonly admit: (joiner: Joiner, attach: Attach) => Promise<JoinOutcome>;
    }
  | { readonly kind: 'refused'; readonly code: SignalingErrorCode; readonly message: string };

/** What a mode may ask of the room that owns it. */
export interface RoomSide {
  readonly target: JoinTarget;
  /** The socket of a connected participant. */
  peerOf(participantId: string): Peer | undefined;
  /** How many participants are connected. */
  readonly size: number;
  send(participantId: string, message: ServerMessage): void;
  /** One message for each of these participants that is connected (not `except`). */
  sendEach(participantIds: Iterable<string>, message: ServerMessage, except?: string): void;
  broadcast(message: ServerMessage, except?: string): void;
  /** Runs `task` in the room's queue. */
  enqueue(task: () => Promise<void> | void): void;
  /** Runs `task` in the queue, after and in order with other membership changes, and again
   * while the database is unreachable (../retried-in-order.ts). */
  retried(what: string, task: () => Promise<void>): void;
  /** Takes a participant out now (relay first, then the roster) and tells them why. */
  detach(participantId: string, reason: DetachReason): void;
  /** The joiner is not taken after all: `join-blocked` instead of `removed`. */
  turnAway(participantId: string, reasons: BlockReason[]): void;
  /** Sends `joined` again with new MLS instructions. */
  reannounce(participantId: string, mls: MlsJoinInfo): void;
}

export interface RoomModeDeps {
  readonly ctx: AppContext;
  /** The classic suite's implementation. */
  readonly crypto: MlsCrypto;
  /**
   * The post-quantum suite's (X-Wing), for meetings that require it: their KeyPackages,
   * proposals and joins run on it alone, so a KeyPackage of the classic suite is refused.
   */
  readonly pqCrypto: MlsCrypto;
  readonly senders: ExternalSenders;
  readonly options: ResolvedRealtimeOptions;
  /** Set on a node of a cluster: the meeting's group is written only while this node hosts it. */
  readonly hostLease?: HostLease | undefined;
}

export interface RoomMode {
  /** Participants the meeting holds besides the connected ones (E2EE members away in grace). */
  absentMembers(connected: ReadonlySet<string>, exceptDevice: string): Promise<number>;
  /** Checks what the joiner brought (an E2EE KeyPackage) once governance has admitted them. */
  checkJoin(peer: Peer, request: JoinRequest): Promise<JoinCheck>;
  /** A participant is no longer connected (how, as far as the group is concerned). */
  depart(participantId: string, how: Departure): Promise<void>;
  /** A participant was put into the meeting and told so: anything else they or the others need. */
  attached(participantId: string): void;
  /** A participant is out of the roster (the reason they were given, or their socket went). */
  detached(participantId: string, userId: string, reason: DetachReason | 'turned-away'): void;
  /** The organizer removed this user: whatever the mode still holds for them goes too. */
  userRemoved(userId: string): void;
  /** A meeting message from a connected participant: handled, or the error code to answer. */
  handle(
    peer: Peer,
    participantId: string,
    message: ModeMessage,
  ): Promise<SignalingErrorCode | undefined>;
  /** The participant's MLS leaf, once a commit placed them in the group. */
  leafOf(participantId: string): number | undefined;
  /** Nothing pending that should keep the room alive once nobody is connected. */
  readonly idle: boolean;
  /** The member asked for a commit that has not come yet, if any (shutdown waits for it). */
  readonly committer: string | undefined;
  /** The meeting ended: forget the meeting's state, durable parts included. */
  end(): Promise<void>;
  /** The room closes (idle, or the server stops): timers stop, secrets are wiped. Idempotent. */
  close(): void;
}
