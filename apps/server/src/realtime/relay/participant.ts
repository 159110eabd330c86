// One participant of a meeting. As a sender: the streams the server assigned it and the refusal
// notices it is owed. As a receiver: its sink, what it subscribed to, and which video streams it
// can decode right now; it holds the back-pressure rule (docs/media.md, "Slow receivers").
import { RefusalNotices } from './refusals.ts';
import { OwnStreams } from './streams.ts';
import type { DropReason, RelaySink, Subscription } from './types.ts';
import { ALL_MEDIA_KINDS_MASK, mediaKindBit } from './wire.ts';

export interface Limits {
  readonly softLimitBytes: number;
  readonly hardLimitBytes: number;
}

/** What to do with one frame for one receiver. */
export type Admission = 'send' | 'unsubscribed' | Exclude<DropReason, 'send_failed'>;

export class Participant {
  /** The only streams this participant may send on: derived from its relay id, never claimed. */
  readonly streams: OwnStreams;
  readonly refusals = new RefusalNotices();
  private kindMask = ALL_MEDIA_KINDS_MASK;
  private selectedStreams: ReadonlySet<number> | null = null;
  /**
   * Video streams whose last key frame reached this receiver with nothing dropped since. A video
   * stream not in here gets nothing until its next key frame: the decoder could not use deltas.
   */
  private readonly decodable = new Map<number, number>(); // stream id → its kind's mask bit

  constructor(
    readonly id: number,
    readonly sink: RelaySink,
    private readonly limits: Limits,
  ) {
    this.streams = new OwnStreams(id);
  }

  admit(
    streamId: number,
    kindBit: number,
    isVideo: boolean,
    keyFrame: boolean,
    size: number,
  ): Admission {
    if ((this.kindMask & kindBit) === 0) return 'unsubscribed';
    if (this.selectedStreams !== null && !this.selectedStreams.has(streamId)) return 'unsubscribed';
    const queued = this.sink.bufferedAmount;
    if (queued + size > this.limits.hardLimitBytes) {
      if (isVideo) this.decodable.delete(streamId);
      return 'hard_limit';
    }
    if (!isVideo) return 'send'; // audio frames stand alone, and audio is the last thing to go
    if (keyFrame) {
      // A key frame is the only way back for a stream with drops, so it may use the room
      // between the soft and the hard limit.
      this.decodable.set(streamId, kindBit);
      return 'send';
    }
    if (!this.decodable.has(streamId)) return 'awaiting_key_frame';
    if (queued > this.limits.softLimitBytes) {
      this.decodable.delete(streamId);
      return 'soft_limit';
    }
    return 'send';
  }

  /** Below the soft limit: a key frame sent now would be delivered rather than dropped. */
  canTakeKeyFrame(): boolean {
    return this.sink.bufferedAmount <= this.limits.softLimitBytes;
  }

  /** The receiver's decoder lost this stream (it asked for a key frame): hold deltas back. */
  lostStream(streamId: number): void {
    this.decodable.delete(streamId);
  }

  forgetStreams(streamIds: readonly number[]): void {
    for (const streamId of streamIds) this.decodable.delete(streamId);
  }

  subscribe(subscription: Subscription): void {
    let mask = 0;
    for (const kind of subscription.mediaKinds) mask |= mediaKindBit(kind);
    this.kindMask = mask;
    const selected = subscription.streams === 'all' ? null : new Set(subscription.streams);
    this.selectedStreams = selected;
    // A stream dropped from the selection and picked again later restarts from a key frame.
    for (const [streamId, kindBit] of this.decodable) {
      if ((mask & kindBit) === 0 || (selected !== null && !selected.has(streamId))) {
        this.decodable.delete(streamId);
      }
    }
  }
}
