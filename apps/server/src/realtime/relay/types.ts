// The relay's seams: what a transport must provide (a sink), what callers pass and get back.
import type {
  EnvelopeErrorCode,
  FrameRefusedReason,
  MediaKind,
  RelayControl,
  RemovedReason,
} from './wire.ts';

/** Why a participant stops receiving: they left (their socket closed), or the relay removed them. */
export type LeaveReason = 'left' | RemovedReason;

/** What the relay tells a participant besides frames. */
export type RelayNotice = Extract<
  RelayControl,
  { kind: 'key_frame_request' | 'removed' | 'frame_refused' }
>;

/**
 * One participant's outgoing media channel (a WebSocket, in production). The relay owns a sink
 * from a successful `join` on, and closes it when the participant leaves.
 */
export interface RelaySink {
  /** Queues one frame envelope as one message. Must not block; may throw if the channel is gone. */
  send(bytes: Uint8Array): void;
  /**
   * Delivers a notice. The transport picks its encoding: a binary control message on a media
   * socket, or a JSON signaling message on a shared one.
   */
  notify(notice: RelayNotice): void;
  /** Bytes accepted by `send` and not yet handed to the network: the receiver's queue. */
  readonly bufferedAmount: number;
  /** Closes the channel, discarding whatever is still queued. Idempotent. */
  close(reason: LeaveReason): void;
}

export interface RelayOptions {
  /** Past this many queued bytes a receiver gets no more video delta frames. */
  readonly softLimitBytes?: number;
  /** A frame that would take a receiver's queue past this is dropped, audio included. */
  readonly hardLimitBytes?: number;
  /** Minimum time between two key-frame requests for one stream. */
  readonly keyFrameRequestIntervalMs?: number;
  /** Minimum time between two `frame_refused` notices to one sender for one stream and reason. */
  readonly refusalNoticeIntervalMs?: number;
  /** Monotonic clock in ms; injected so rate limits can be tested with a fake one. */
  readonly now?: () => number;
}

/**
 * The other relays of a cluster (../../cluster/media-mesh.ts). A frame accepted from a participant
 * here is passed on once; a receiver here that lost a stream sent elsewhere has its key-frame
 * request passed on; the mesh hears when a meeting gets its first participant here and loses its
 * last, so a node listens to a meeting only while it has participants in it.
 */
export interface RelayPeering {
  forwarded(meetingId: string, bytes: Uint8Array): void;
  keyFrameWanted(meetingId: string, streamId: number): void;
  opened(meetingId: string): void;
  closed(meetingId: string): void;
}

/** Which streams a participant receives: default all kinds, all streams. */
export interface Subscription {
  readonly mediaKinds: readonly MediaKind[];
  readonly streams: 'all' | readonly number[];
}

/**
 * Why an incoming frame was refused as a whole (nobody received it). The sender is told of the
 * `FrameRefusedReason`s: a well-formed frame on a stream, or with a sender, that is not its own.
 */
export type RejectReason = EnvelopeErrorCode | FrameRefusedReason | 'not_in_meeting';

/** Why one receiver did not get a frame the others may have got. */
export type DropReason = 'soft_limit' | 'hard_limit' | 'awaiting_key_frame' | 'send_failed';

/** Why an incoming control message was refused. */
export type ControlRejectReason = 'malformed' | 'not_allowed' | 'unknown_stream' | 'not_in_meeting';

export type FrameResult =
  | { readonly kind: 'forwarded'; readonly delivered: number; readonly dropped: number }
  | { readonly kind: 'rejected'; readonly reason: RejectReason };

export type ControlResult =
  | { readonly kind: 'accepted' }
  | { readonly kind: 'rejected'; readonly reason: ControlRejectReason };

export type MessageResult = FrameResult | ControlResult;

/** A joined participant's handle: the transport feeds it and ends it. Inert once left or replaced. */
export interface RelayMember {
  readonly meetingId: string;
  readonly participantId: number;
  /** False once this membership left, was removed or was replaced by a newer join. */
  readonly active: boolean;
  /** A message (frame or control) this participant sent. */
  receive(bytes: Uint8Array): MessageResult;
  leave(reason?: LeaveReason): void;
}

/** On rejection the relay did not take the sink: the caller still owns (and should close) it. */
export type JoinResult =
  | { readonly kind: 'joined'; readonly member: RelayMember; readonly replaced: boolean }
  | { readonly kind: 'rejected'; readonly reason: 'relay_closed' | 'invalid_participant_id' };

export interface RelayStats {
  readonly framesReceived: number;
  /** Deliveries: one frame to one receiver. */
  readonly framesForwarded: number;
  readonly bytesForwarded: number;
  readonly rejected: Readonly<Record<RejectReason, number>>;
  readonly dropped: Readonly<Record<DropReason, number>>;
  readonly keyFrameRequests: { readonly sent: number; readonly rateLimited: number };
  /** `frame_refused` notices to senders, and refusals folded into a later notice. */
  readonly refusalNotices: { readonly sent: number; readonly rateLimited: number };
  readonly controlsReceived: number;
  readonly controlsRejected: Readonly<Record<ControlRejectReason, number>>;
  readonly meetings: number;
  readonly participants: number;
}
