// The SFrame media relay: forwards each participant's frames, unchanged, to the other
// participants of the meeting. It reads only the envelope header (docs/media.md); it never holds a
// key and imports nothing from the crypto package. Everything here is synchronous, so `leave`
// takes effect before the next frame is looked at, and a slow receiver can only ever cost itself.
// A participant sends only on the streams of its own relay id (./streams.ts); a frame on any other
// is refused, reaches nobody, and its sender is told (rate-limited).
import { Meeting } from './meeting.ts';
import { Participant, type Limits } from './participant.ts';
import { RelayCounters } from './stats.ts';
import type { StreamRecord } from './streams.ts';
import type {
  ControlResult,
  FrameResult,
  JoinResult,
  LeaveReason,
  MessageResult,
  RelayMember,
  RelayOptions,
  RelayPeering,
  RelaySink,
  RejectReason,
  RelayStats,
  Subscription,
} from './types.ts';
import {
  MAX_RELAY_ID,
  decodeControl,
  decodeEnvelope,
  mediaKindBit,
  mediaMessageFamily,
  streamOwner,
  type Envelope,
  type FrameRefusedReason,
} from './wire.ts';

export const DEFAULT_SOFT_LIMIT_BYTES = 128 * 1024;
export const DEFAULT_HARD_LIMIT_BYTES = 512 * 1024;
export const DEFAULT_KEY_FRAME_REQUEST_INTERVAL_MS = 500;
export const DEFAULT_REFUSAL_NOTICE_INTERVAL_MS = 1_000;

export class MediaRelay {
  private readonly meetings = new Map<string, Meeting>();
  private readonly counters = new RelayCounters();
  private readonly limits: Limits;
  private readonly keyFrameRequestIntervalMs: number;
  private readonly refusalNoticeIntervalMs: number;
  private readonly now: () => number;
  private peering: RelayPeering | undefined;
  private closed = false;

  constructor(options: RelayOptions = {}) {
    const soft = options.softLimitBytes ?? DEFAULT_SOFT_LIMIT_BYTES;
    const hard = options.hardLimitBytes ?? DEFAULT_HARD_LIMIT_BYTES;
    if (!(soft >= 0 && hard > soft)) throw new RangeError('Relay limits need 0 <= soft < hard.');
    this.limits = { softLimitBytes: soft, hardLimitBytes: hard };
    this.keyFrameRequestIntervalMs =
      options.keyFrameRequestIntervalMs ?? DEFAULT_KEY_FRAME_REQUEST_INTERVAL_MS;
    this.refusalNoticeIntervalMs =
      options.refusalNoticeIntervalMs ?? DEFAULT_REFUSAL_NOTICE_INTERVAL_MS;
    this.now = options.now ?? (() => performance.now());
  }

  /**
   * Adds a participant, identified by its relay id: the `sender` its envelopes must carry, and
   * what its streams derive from (0..MAX_RELAY_ID). A second join with the same id replaces the
   * first connection, which is told and closed.
   */
  join(meetingId: string, participantId: number, sink: RelaySink): JoinResult {
    if (this.closed) return { kind: 'rejected', reason: 'relay_closed' };
    if (!Number.isInteger(participantId) || participantId < 0 || participantId > MAX_RELAY_ID) {
      return { kind: 'rejected', reason: 'invalid_participant_id' };
    }
    const replaced = this.leave(meetingId, participantId, 'replaced');
    let meeting = this.meetings.get(meetingId);
    if (meeting === undefined) {
      meeting = new Meeting(meetingId);
      this.meetings.set(meetingId, meeting);
      this.peering?.opened(meetingId);
    }
    const participant = new Participant(participantId, sink, this.limits);
    meeting.participants.set(participantId, participant);
    const member = new Membership(meeting, participant, {
      receive: (bytes) => this.receiveFrom(meeting, participant, bytes),
      leave: (reason) => {
        if (meeting.participants.get(participantId) === participant) {
          this.remove(meeting, participant, reason);
        }
      },
    });
    return { kind: 'joined', member, replaced };
  }

  /**
   * Stops forwarding to and from the participant now, tells them why unless they left on their
   * own, and closes their sink (dropping what is queued). Returns whether they were present.
   */
  leave(meetingId: string, participantId: number, reason: LeaveReason = 'left'): boolean {
    const meeting = this.meetings.get(meetingId);
    const participant = meeting?.participants.get(participantId);
    if (meeting === undefined || participant === undefined) return false;
    this.remove(meeting, participant, reason);
    return true;
  }

  /** Removes everyone from a meeting, telling them it ended. */
  endMeeting(meetingId: string): void {
    const meeting = this.meetings.get(meetingId);
    if (meeting === undefined) return;
    for (const participant of [...meeting.participants.values()]) {
      this.remove(meeting, participant, 'meeting_ended');
    }
  }

  /** Joins this relay to the others of a cluster (see RelayPeering). */
  connectPeers(peering: RelayPeering): void {
    this.peering = peering;
  }

  /**
   * A frame another node's relay accepted from its sender (the stream checks were made there):
   * to every participant here, under each one's own rules.
   */
  injectFrame(meetingId: string, bytes: Uint8Array): void {
    const meeting = this.meetings.get(meetingId);
    if (meeting === undefined) return;
    const decoded = decodeEnvelope(bytes);
    if (decoded.kind === 'error') return;
    const envelope = decoded.envelope;
    const { wantKeyFrame } = this.fanOut(meeting, undefined, envelope, bytes);
    if (wantKeyFrame) this.peering?.keyFrameWanted(meetingId, envelope.streamId);
  }

  /** A receiver on another node lost `streamId`: its sender is asked if it is here. */
  askForKeyFrame(meetingId: string, streamId: number): void {
    const sent = this.meetings.get(meetingId)?.sentStream(streamId);
    if (sent !== undefined) this.askSender(sent.owner, sent.stream);
  }

  /** Chooses which streams a participant receives (default: everything). */
  setSubscription(meetingId: string, participantId: number, subscription: Subscription): boolean {
    const participant = this.meetings.get(meetingId)?.participants.get(participantId);
    if (participant === undefined) return false;
    participant.subscribe(subscription);
    return true;
  }

  /** A frame envelope from an authenticated participant. */
  onFrame(meetingId: string, fromParticipant: number, bytes: Uint8Array): FrameResult {
    const meeting = this.meetings.get(meetingId);
    const sender = meeting?.participants.get(fromParticipant);
    if (meeting === undefined || sender === undefined) {
      this.counters.framesReceived++;
      return this.reject('not_in_meeting');
    }
    return this.forward(meeting, sender, bytes);
  }

  /** A control message from an authenticated participant. */
  onControl(meetingId: string, fromParticipant: number, bytes: Uint8Array): ControlResult {
    const meeting = this.meetings.get(meetingId);
    const from = meeting?.participants.get(fromParticipant);
    if (meeting === undefined || from === undefined) {
      this.counters.controlsReceived++;
      return this.rejectControl('not_in_meeting');
    }
    return this.control(meeting, from, bytes);
  }

  /**
   * A receiver cannot decode `streamId` (a JSON signaling request, or the binary control): holds
   * its deltas back and asks the stream's sender for a key frame, rate-limited.
   */
  requestKeyFrame(meetingId: string, fromParticipant: number, streamId: number): ControlResult {
    const meeting = this.meetings.get(meetingId);
    const from = meeting?.participants.get(fromParticipant);
    this.counters.controlsReceived++;
    if (meeting === undefined || from === undefined) return this.rejectControl('not_in_meeting');
    return this.keyFrameWanted(meeting, from, streamId);
  }

  /** Any message on a participant's media channel: dispatches on its first byte. */
  onMessage(meetingId: string, fromParticipant: number, bytes: Uint8Array): MessageResult {
    return mediaMessageFamily(bytes) === 'control'
      ? this.onControl(meetingId, fromParticipant, bytes)
      : this.onFrame(meetingId, fromParticipant, bytes);
  }

  /** Bytes queued to receivers now: the largest single queue and the sum (back-pressure). */
  queuedBytes(): { largest: number; total: number } {
    let largest = 0;
    let total = 0;
    for (const meeting of this.meetings.values()) {
      for (const participant of meeting.participants.values()) {
        const queued = participant.sink.bufferedAmount;
        total += queued;
        if (queued > largest) largest = queued;
      }
    }
    return { largest, total };
  }

  stats(): RelayStats {
    let participants = 0;
    for (const meeting of this.meetings.values()) participants += meeting.participants.size;
    return this.counters.snapshot(this.meetings.size, participants);
  }

  /** Removes everyone and refuses new joins. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const meeting of [...this.meetings.values()]) {
      for (const participant of [...meeting.participants.values()]) {
        this.remove(meeting, participant, 'relay_closed');
      }
    }
  }

  /** A message through a member handle, which has already resolved meeting and participant. */
  private receiveFrom(
    meeting: Meeting,
    participant: Participant,
    bytes: Uint8Array,
  ): MessageResult {
    const active = meeting.participants.get(participant.id) === participant;
    if (mediaMessageFamily(bytes) === 'control') {
      if (active) return this.control(meeting, participant, bytes);
      this.counters.controlsReceived++;
      return this.rejectControl('not_in_meeting');
    }
    if (active) return this.forward(meeting, participant, bytes);
    this.counters.framesReceived++;
    return this.reject('not_in_meeting');
  }

  private forward(meeting: Meeting, sender: Participant, bytes: Uint8Array): FrameResult {
    const counters = this.counters;
    counters.framesReceived++;
    const decoded = decodeEnvelope(bytes);
    if (decoded.kind === 'error') return this.reject(decoded.code);
    const envelope = decoded.envelope;
    if (envelope.sender !== sender.id) return this.refuse(sender, envelope, 'spoofed_sender');
    const stream = sender.streams.use(envelope.streamId, envelope.mediaKind);
    if (stream === undefined) return this.refuse(sender, envelope, 'stream_not_owned');

    const { delivered, dropped, wantKeyFrame } = this.fanOut(meeting, sender, envelope, bytes);
    if (wantKeyFrame) this.askSender(sender, stream);
    this.peering?.forwarded(meeting.id, bytes);
    return { kind: 'forwarded', delivered, dropped };
  }

  /** One frame to every receiver here but its sender, each under its own rules. */
  private fanOut(
    meeting: Meeting,
    sender: Participant | undefined,
    envelope: Envelope,
    bytes: Uint8Array,
  ): { delivered: number; dropped: number; wantKeyFrame: boolean } {
    const counters = this.counters;
    const kindBit = mediaKindBit(envelope.mediaKind);
    const isVideo = envelope.mediaKind !== 'audio';
    const size = bytes.length;
    let delivered = 0;
    let dropped = 0;
    let wantKeyFrame = false;
    for (const receiver of meeting.participants.values()) {
      if (receiver === sender) continue;
      const admission = receiver.admit(
        envelope.streamId,
        kindBit,
        isVideo,
        envelope.keyFrame,
        size,
      );
      if (admission === 'send') {
        try {
          receiver.sink.send(bytes);
          delivered++;
        } catch {
          counters.dropped.send_failed++;
          dropped++;
        }
      } else if (admission !== 'unsubscribed') {
        counters.dropped[admission]++;
        dropped++;
        // Ask for a key frame only for a receiver that could take it now: a stalled one would
        // only make every other receiver pay for key frames it then drops.
        if (admission === 'awaiting_key_frame' && receiver.canTakeKeyFrame()) wantKeyFrame = true;
      }
    }
    counters.framesForwarded += delivered;
    counters.bytesForwarded += delivered * size;
    return { delivered, dropped, wantKeyFrame };
  }

  private control(meeting: Meeting, from: Participant, bytes: Uint8Array): ControlResult {
    this.counters.controlsReceived++;
    const decoded = decodeControl(bytes);
    if (decoded.kind === 'error') return this.rejectControl('malformed');
    const control = decoded.control;
    switch (control.kind) {
      case 'key_frame_request':
        return this.keyFrameWanted(meeting, from, control.streamId);
      case 'subscribe':
        from.subscribe(control);
        return { kind: 'accepted' };
      case 'removed':
      case 'frame_refused':
        return this.rejectControl('not_allowed'); // only the relay says these
    }
  }

  private keyFrameWanted(meeting: Meeting, from: Participant, streamId: number): ControlResult {
    const sent = meeting.sentStream(streamId);
    if (sent === undefined && this.peering !== undefined && streamOwner(streamId) !== undefined) {
      // Sent through another node of the cluster (if at all): that node's relay asks its sender.
      from.lostStream(streamId);
      this.peering.keyFrameWanted(meeting.id, streamId);
      return { kind: 'accepted' };
    }
    if (sent === undefined) return this.rejectControl('unknown_stream');
    if (sent.owner === from) return this.rejectControl('not_allowed');
    from.lostStream(streamId);
    this.askSender(sent.owner, sent.stream);
    return { kind: 'accepted' };
  }

  private askSender(owner: Participant, stream: StreamRecord): void {
    const now = this.now();
    if (now - stream.lastKeyFrameRequestAt < this.keyFrameRequestIntervalMs) {
      this.counters.keyFrameRequestsRateLimited++;
      return;
    }
    stream.lastKeyFrameRequestAt = now;
    this.counters.keyFrameRequestsSent++;
    try {
      owner.sink.notify({ kind: 'key_frame_request', streamId: stream.streamId });
    } catch {
      // The owner's channel is going away; its close will remove it.
    }
  }

  private remove(meeting: Meeting, participant: Participant, reason: LeaveReason): void {
    meeting.participants.delete(participant.id);
    const released = participant.streams.ids();
    if (released.length > 0) {
      for (const other of meeting.participants.values()) other.forgetStreams(released);
    }
    if (meeting.participants.size === 0 && this.meetings.get(meeting.id) === meeting) {
      this.meetings.delete(meeting.id);
      this.peering?.closed(meeting.id);
    }
    const sink = participant.sink;
    if (reason !== 'left') {
      try {
        sink.notify({ kind: 'removed', reason });
      } catch {
        // Best effort: the close below is what counts.
      }
    }
    try {
      sink.close(reason);
    } catch {
      // A sink that fails to close is already gone.
    }
  }

  private reject(reason: RejectReason): FrameResult {
    this.counters.rejected[reason]++;
    return { kind: 'rejected', reason };
  }

  /**
   * A well-formed frame its sender may not send: refused like any other, and the sender is told
   * (at most once per stream and reason per interval, with the count since the last notice).
   */
  private refuse(sender: Participant, envelope: Envelope, reason: FrameRefusedReason): FrameResult {
    const frames = sender.refusals.note(
      envelope.streamId,
      reason,
      this.now(),
      this.refusalNoticeIntervalMs,
    );
    if (frames === 0) {
      this.counters.refusalNoticesRateLimited++;
    } else {
      this.counters.refusalNoticesSent++;
      try {
        sender.sink.notify({
          kind: 'frame_refused',
          streamId: envelope.streamId,
          mediaKind: envelope.mediaKind,
          reason,
          frames,
        });
      } catch {
        // The sender's channel is going away; its close will remove it.
      }
    }
    return this.reject(reason);
  }

  private rejectControl(
    reason: Exclude<ControlResult, { kind: 'accepted' }>['reason'],
  ): ControlResult {
    this.counters.controlsRejected[reason]++;
    return { kind: 'rejected', reason };
  }
}

/** The handle `join` returns: bound to one membership, inert once it ends. */
class Membership implements RelayMember {
  constructor(
    private readonly meeting: Meeting,
    private readonly participant: Participant,
    private readonly actions: {
      receive(bytes: Uint8Array): MessageResult;
      leave(reason: LeaveReason): void;
    },
  ) {}

  get meetingId(): string {
    return this.meeting.id;
  }

  get participantId(): number {
    return this.participant.id;
  }

  get active(): boolean {
    return this.meeting.participants.get(this.participant.id) === this.participant;
  }

  receive(bytes: Uint8Array): MessageResult {
    return this.actions.receive(bytes);
  }

  leave(reason: LeaveReason = 'left'): void {
    this.actions.leave(reason);
  }
}
