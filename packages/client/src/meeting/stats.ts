// The counters `Meeting.stats()` reports, put together from the media session and the meeting,
// and the `senderStall` event and the media session's senders named the same way.
import type { LiveDirectory } from '../identity/directory.ts';
import type { MediaSession, SenderInfo } from '../media/media-session.ts';
import type { StallChange } from '../media/sender-stalls.ts';
import { totalDropped } from '../media/stats.ts';
import type { MeetingMode } from './mode.ts';
import type { ParticipantTable } from './participants.ts';
import type { MlsTimings } from '../mls/timings.ts';
import type { SenderSwitchCounts } from './sender-switch.ts';
import type { MeetingStats, SenderStallEvent } from './types.ts';

export interface MeetingCounts {
  readonly chat: MeetingStats['chat'];
  readonly reactions: MeetingStats['reactions'];
  readonly mediaState: MeetingStats['mediaState'];
  readonly epochs: number;
  readonly epoch: bigint | undefined;
  readonly reconnects: number;
  readonly senderSwitches: SenderSwitchCounts | undefined;
  readonly mls: MlsTimings | undefined;
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
    bySender: (snapshot?.bySender ?? []).map((s) => ({ ...s, ...named(participants, s.relayId) })),
    chat: { ...counts.chat },
    reactions: { ...counts.reactions },
    mediaState: { ...counts.mediaState },
    epochs: counts.epochs,
    epoch: counts.epoch,
    reconnects: counts.reconnects,
    senderSwitches: { ...(counts.senderSwitches ?? { confirmed: 0, bound: 0, atOnce: 0 }) },
    ...(counts.mls === undefined ? {} : { mls: counts.mls }),
    stalledSenders: (media?.stalls.active() ?? []).map((stall) => ({
      ...stall,
      ...named(participants, stall.relayId),
    })),
  };
}

/** Who holds `relayId`, as the server's participant list names them. */
export function named(
  participants: ParticipantTable,
  relayId: number,
): { readonly userId?: string; readonly displayName?: string } {
  const p = participants.byRelay(relayId);
  return p === undefined ? {} : { userId: p.userId, displayName: p.displayName };
}

/** A media session's stall change as the meeting's `senderStall` event. */
export function senderStallEvent(
  change: StallChange,
  participants: ParticipantTable,
): SenderStallEvent {
  if (change.kind === 'cleared') {
    return { state: 'cleared', relayId: change.relayId, ...named(participants, change.relayId) };
  }
  const { relayId, reason } = change.stall;
  return { state: 'stalled', relayId, reason, ...named(participants, relayId) };
}

/** Who sends as `relayId` from `leafIndex`: the server's list first, then the group's credential. */
export function describeSender(
  participants: ParticipantTable,
  mode: MeetingMode,
  directory: LiveDirectory,
  relayId: number,
  leafIndex: number,
): SenderInfo {
  const participant = participants.byRelay(relayId);
  const userId = participant?.userId ?? mode.binding.member(leafIndex)?.identity?.userId;
  const displayName =
    (userId === undefined ? undefined : directory.displayName(userId)) ?? participant?.displayName;
  return {
    relayId,
    leafIndex,
    ...(participant === undefined ? {} : { participantId: participant.participantId }),
    ...(userId === undefined ? {} : { userId }),
    ...(displayName === undefined ? {} : { displayName }),
  };
}
