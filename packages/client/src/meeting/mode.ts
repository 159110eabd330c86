// What differs between the two kinds of meeting, behind one interface the meeting calls without
// knowing which it has: E2EE (an MLS member session; keys from the exporter) and standard (the
// server hands out the media key). The meeting learns the kind from the server's `joined`.
import type { Emitter } from '../emitter.ts';
import type { ClientError } from '../errors.ts';
import type { SenderBinding } from '../media/sender-binding.ts';
import type { ClientMessage, ReactionName, ServerMessage } from '../wire.ts';
import type { ChatLookups } from './chat.ts';
import type { MediaKeys } from './media-keys.ts';
import type { ParticipantTable } from './participants.ts';
import type { RosterMember, RosterPeople } from './roster.ts';
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
import type { MlsTimings } from '../mls/timings.ts';
import type { SenderSwitchCounts } from './sender-switch.ts';

export type JoinedMessage = Extract<ServerMessage, { type: 'joined' }>;

export interface MeetingMode {
  readonly e2ee: boolean;
  /** Ties relay ids to senders: to MLS leaves (E2EE) or to the server's participant list. */
  readonly binding: SenderBinding;
  readonly epoch: bigint | undefined;
  /** The index this client's frames carry: its MLS leaf (E2EE) or its relay id (standard). */
  readonly leafIndex: number | undefined;
  /** E2EE: the 20-digit code every member of this epoch shows. */
  readonly securityCode: string | undefined;
  /** E2EE: how this member's senders moved to new epochs (sender-switch.ts). */
  readonly senderSwitches?: SenderSwitchCounts;
  /** E2EE: how long this member's own MLS work took (mls/timings.ts). */
  readonly mlsTimings?: MlsTimings;
  roster(): RosterMember[];
  /** The server said `joined`: E2EE joins the MLS group; standard waits for its media key. */
  admitted(message: JoinedMessage): Promise<void>;
  /** The join to send once a dropped connection is back. */
  rejoin(): Promise<ClientMessage>;
  /** Signaling messages only this kind of meeting has (media keys, MLS, chat through the server). */
  handle(message: ServerMessage): Promise<void>;
  /** A `removed` this mode expects while it recovers by itself (a rejoin after a lost group). */
  expectsRemoval(reason: RemovedReason): boolean;
  /** A server error this mode recovers from by itself: true when handled. */
  recovers(code: string): Promise<boolean>;
  /** Rejects `not_joined` when the text cannot go out. */
  sendChat(text: string): Promise<void>;
  /** Runs in the meeting's queue. True when the state went out. */
  sendMediaState(state: MediaState): Promise<boolean>;
  /** Rejects `not_joined` when the reaction cannot go out. */
  sendReaction(reaction: ReactionName): Promise<void>;
  /** Left, removed or closed: forget the group (E2EE); keys are the meeting's to close. */
  close(): void;
}

/** What a mode may use of its meeting. */
export interface ModeHost {
  readonly meetingId: string;
  readonly deps: MeetingDeps;
  readonly options: JoinOptions;
  readonly events: Emitter<MeetingEvents>;
  readonly participants: ParticipantTable;
  /** Names and emails of people, from the directory. */
  readonly people: RosterPeople;
  readonly participantId: string | undefined;
  readonly relayId: number | undefined;
  /** False once the meeting is left, removed or closed. */
  readonly active: boolean;
  /** The signaling connection is open now. */
  readonly connected: boolean;
  send(message: ClientMessage): boolean;
  /** The meeting's frame protector, created on first use. */
  keys(): MediaKeys;
  /** A new MLS group: media keys of the old one are useless. */
  renewKeys(): void;
  /** Out of the relay until the server admits this client again. */
  leaveRelay(): void;
  /**
   * Counts the epoch, turns `joining` into `joined` and says it; frames held back for the epoch
   * are decrypted (the epoch's keys are on the ring already).
   */
  enterEpoch(epoch: bigint, leafIndex: number): Promise<void>;
  /** Media keys are in place: a pending `join()` resolves. */
  markReady(): void;
  /** Says this participant's media state again, behind whatever is queued. */
  announceAgain(): void;
  chatReceived(chat: ChatMessage | undefined): void;
  /** Undefined: an E2EE reaction whose claimed sender did not check out (counted, dropped). */
  reactionReceived(reaction: Reaction | undefined): void;
  mediaStateReceived(change: MediaStateChange | undefined): void;
  chatLookups(): ChatLookups;
  end(reason: RemovedReason): void;
  fail(error: ClientError): void;
  /** Runs `task` in the meeting's serial queue. */
  serially<T>(task: () => Promise<T>): Promise<T>;
  /** Runs `callback` after `ms` (cancelled by close), in the queue; errors become `error` events. */
  later(ms: number, callback: () => Promise<void>): void;
}
