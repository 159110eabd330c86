// The counters `Meeting.stats()` reports, put together from the media session and the meeting.
import type { MediaSession } from '../media/media-session.ts';
import { totalDropped } from '../media/stats.ts';
import type { ParticipantTable } from './participants.ts';
import type { MeetingStats } from './types.ts';

export interface MeetingCounts {
  readonly chat: MeetingStats['chat'];
  readonly mediaState: MeetingStats['mediaState'];
  readonly epochs: number;
  readonly epoch: bigint | undefined;
  readonly reconnects: number;
}

export function meetingStats(
  media: MediaSession | undefined,
  participants: ParticipantTable,
  counts: MeetingCounts,
): MeetingStats {
  const snapshot = media?.stats.snapshot();
  const totals = snapshot?.totals ?? {
    sent: 0,
    notSent: 0,
    refused: {},
    received: 0,
    decrypted: 0,
    dropped: {},
  };
  return {
    frames: { ...totals, droppedTotal: totalDropped(totals.dropped) },
    bySender: (snapshot?.bySender ?? []).map((s) => {
      const p = participants.byRelay(s.relayId);
      return {
        ...s,
        ...(p === undefined ? {} : { userId: p.userId, displayName: p.displayName }),
      };
    }),
    chat: { ...counts.chat },
    mediaState: { ...counts.mediaState },
    epochs: counts.epochs,
    epoch: counts.epoch,
    reconnects: counts.reconnects,
  };
}
