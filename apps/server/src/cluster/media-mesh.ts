// Media across the nodes of a cluster: every node relays for the sockets it holds. A frame its
// relay accepted from a sender here (stream ownership checked here) is published once on the
// meeting's subject; each other node with participants in that meeting fans it out to them under
// their own rules (subscriptions, back-pressure, key frames). A node listens to a meeting only
// while its relay has participants in it. A receiver that lost a stream sent elsewhere has its
// key-frame request published the same way; the node holding the sender asks it.
//
// Wire: one byte (1: a frame, 2: a key-frame request), then the envelope or a u32 stream id.
// The link does not echo a node's own messages back to it (./link.ts).
import { createHash } from 'node:crypto';
import type { MediaRelay, RelayPeering } from '../realtime/relay/index.ts';
import type { ClusterLink } from './link.ts';
import { subjects } from './subjects.ts';

const FRAME = 1;
const KEY_FRAME_REQUEST = 2;

export class MediaMesh implements RelayPeering {
  private readonly listening = new Map<string, () => void>();

  constructor(
    private readonly relay: MediaRelay,
    private readonly link: ClusterLink,
  ) {}

  opened(meetingId: string): void {
    if (this.listening.has(meetingId)) return;
    const stop = this.link.subscribe(subjects.meetingMedia(digest(meetingId)), (_subject, data) => {
      if (data.length < 1) return;
      if (data[0] === FRAME) this.relay.injectFrame(meetingId, data.subarray(1));
      else if (data[0] === KEY_FRAME_REQUEST && data.length === 5)
        this.relay.askForKeyFrame(
          meetingId,
          new DataView(data.buffer, data.byteOffset).getUint32(1),
        );
    });
    this.listening.set(meetingId, stop);
  }

  closed(meetingId: string): void {
    this.listening.get(meetingId)?.();
    this.listening.delete(meetingId);
  }

  forwarded(meetingId: string, bytes: Uint8Array): void {
    const out = new Uint8Array(1 + bytes.length);
    out[0] = FRAME;
    out.set(bytes, 1);
    this.link.publish(subjects.meetingMedia(digest(meetingId)), out);
  }

  keyFrameWanted(meetingId: string, streamId: number): void {
    const out = new Uint8Array(5);
    out[0] = KEY_FRAME_REQUEST;
    new DataView(out.buffer).setUint32(1, streamId);
    this.link.publish(subjects.meetingMedia(digest(meetingId)), out);
  }

  close(): void {
    for (const stop of this.listening.values()) stop();
    this.listening.clear();
  }
}

/** A subject token for a meeting (ids are not guaranteed to be subject-safe, nor meant to show). */
function digest(meetingId: string): string {
  return createHash('sha256').update(meetingId).digest('hex').slice(0, 32);
}
