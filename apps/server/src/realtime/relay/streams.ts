// A participant's own streams, as the relay knows them. They are assigned, not claimed: the server
// gives each participant one stream per media kind together with its relay id (`streamIdOf`:
// relay id × 4 + kind), and the relay derives them from the relay id it authenticated for the
// connection. A frame on any other stream id is refused, so nobody can send on — or silence —
// another participant's stream, whether or not that participant has sent on it yet.
import { streamIdOf, type MediaKind } from './wire.ts';

export interface StreamRecord {
  readonly streamId: number;
  readonly mediaKind: MediaKind;
  lastKeyFrameRequestAt: number;
}

export class OwnStreams {
  private readonly assigned: Readonly<Record<MediaKind, number>>;
  /** The streams that have carried a frame, by kind. */
  private readonly active: Partial<Record<MediaKind, StreamRecord>> = {};

  constructor(owner: number) {
    this.assigned = {
      audio: streamIdOf(owner, 'audio'),
      camera: streamIdOf(owner, 'camera'),
      screen: streamIdOf(owner, 'screen'),
    };
  }

  /**
   * The record of the stream a frame of `mediaKind` on `streamId` is sent on, if that is this
   * participant's stream of that kind; undefined otherwise.
   */
  use(streamId: number, mediaKind: MediaKind): StreamRecord | undefined {
    if (this.assigned[mediaKind] !== streamId) return undefined;
    return (this.active[mediaKind] ??= { streamId, mediaKind, lastKeyFrameRequestAt: -Infinity });
  }

  /** The stream of `mediaKind`, once it has carried a frame. */
  get(mediaKind: MediaKind): StreamRecord | undefined {
    return this.active[mediaKind];
  }

  /** Ids of the streams that have carried a frame. */
  ids(): number[] {
    return Object.values(this.active).map((stream) => stream.streamId);
  }
}
