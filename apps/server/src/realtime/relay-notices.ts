// Between a room and the media relay: what the relay tells a participant goes out as signaling,
// and why someone leaves the room becomes the relay's reason for letting them go.
import type { Peer } from './peer.ts';
import type { LeaveReason, RelayNotice } from './relay/index.ts';
import type { DetachReason } from './room-types.ts';

/** Forwards the relay's notices for one participant as signaling messages. */
export function relayNoticeForwarder(peer: Peer, meetingId: string): (notice: RelayNotice) => void {
  return (notice) => {
    // `removed` goes as signaling (`removed`), sent by the room itself.
    if (notice.kind === 'key_frame_request') {
      peer.send({ type: 'keyframe-request', meetingId, streamId: notice.streamId });
    } else if (notice.kind === 'frame_refused') {
      peer.send({
        type: 'frame-refused',
        meetingId,
        streamId: notice.streamId,
        mediaKind: notice.mediaKind,
        reason: notice.reason,
        frames: notice.frames,
      });
    }
  };
}

export function relayReason(reason: DetachReason): LeaveReason {
  switch (reason) {
    case 'left':
    case 'disconnected':
    case 'timed-out':
      return 'left';
    case 'replaced':
      return 'replaced';
    case 'meeting-ended':
      return 'meeting_ended';
    case 'removed':
    case 'commit-failed':
    case 'removed-by-organizer':
    case 'signed-out':
    case 'not-admitted':
    case 'protocol-violation':
      return 'removed';
  }
}
