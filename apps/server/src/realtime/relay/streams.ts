// A meeting's streams as the relay has seen them: who sends each, its kind, and when a key frame
// was last asked for. The first sender to use a stream id owns it until they leave, so a second
// participant cannot inject frames into someone else's stream.
import type { MediaKind } from './wire.ts';

export interface StreamRecord {
  readonly streamId: number;
  readonly owner: number;
  readonly mediaKind: MediaKind;
  lastKeyFrameRequestAt: number;
}

export type ClaimResult = StreamRecord | 'stream_conflict' | 'too_many_streams';

export class StreamRegistry {
  private readonly streams = new Map<number, StreamRecord>();
  private readonly owned = new Map<number, number[]>();

  constructor(private readonly maxPerOwner: number) {}

  /** The stream's record, claiming it for `owner` if nobody has. */
  claim(streamId: number, owner: number, mediaKind: MediaKind): ClaimResult {
    const known = this.streams.get(streamId);
    if (known !== undefined) {
      return known.owner === owner && known.mediaKind === mediaKind ? known : 'stream_conflict';
    }
    let mine = this.owned.get(owner);
    if (mine === undefined) {
      mine = [];
      this.owned.set(owner, mine);
    }
    if (mine.length >= this.maxPerOwner) return 'too_many_streams';
    const record: StreamRecord = { streamId, owner, mediaKind, lastKeyFrameRequestAt: -Infinity };
    this.streams.set(streamId, record);
    mine.push(streamId);
    return record;
  }

  get(streamId: number): StreamRecord | undefined {
    return this.streams.get(streamId);
  }

  /** Forgets every stream of `owner`; returns their ids. */
  release(owner: number): readonly number[] {
    const mine = this.owned.get(owner) ?? [];
    this.owned.delete(owner);
    for (const streamId of mine) this.streams.delete(streamId);
    return mine;
  }
}
