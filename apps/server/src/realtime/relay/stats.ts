// The relay's counters. Mutable in the hot path; `snapshot` copies them for callers.
import type { ControlRejectReason, DropReason, RejectReason, RelayStats } from './types.ts';
import { envelopeErrorCodes, frameRefusedReasons } from './wire.ts';

const rejectReasons: readonly RejectReason[] = [
  ...envelopeErrorCodes,
  ...frameRefusedReasons,
  'not_in_meeting',
];
const dropReasons: readonly DropReason[] = [
  'soft_limit',
  'hard_limit',
  'awaiting_key_frame',
  'send_failed',
];
const controlRejectReasons: readonly ControlRejectReason[] = [
  'malformed',
  'not_allowed',
  'unknown_stream',
  'not_in_meeting',
];

export class RelayCounters {
  framesReceived = 0;
  framesForwarded = 0;
  bytesForwarded = 0;
  keyFrameRequestsSent = 0;
  keyFrameRequestsRateLimited = 0;
  refusalNoticesSent = 0;
  refusalNoticesRateLimited = 0;
  controlsReceived = 0;
  readonly rejected = zeroes(rejectReasons);
  readonly dropped = zeroes(dropReasons);
  readonly controlsRejected = zeroes(controlRejectReasons);

  snapshot(meetings: number, participants: number): RelayStats {
    return {
      framesReceived: this.framesReceived,
      framesForwarded: this.framesForwarded,
      bytesForwarded: this.bytesForwarded,
      rejected: { ...this.rejected },
      dropped: { ...this.dropped },
      keyFrameRequests: {
        sent: this.keyFrameRequestsSent,
        rateLimited: this.keyFrameRequestsRateLimited,
      },
      refusalNotices: {
        sent: this.refusalNoticesSent,
        rateLimited: this.refusalNoticesRateLimited,
      },
      controlsReceived: this.controlsReceived,
      controlsRejected: { ...this.controlsRejected },
      meetings,
      participants,
    };
  }
}

function zeroes<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
}
