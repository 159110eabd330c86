// Media statistics, from the SDK's own counters: frames sent, received, decrypted and dropped,
// and how many went through this page's SFrame workers (protected or decrypted there, never on
// the page). Folded away by default; the same numbers are on the element as data-* attributes,
// which is what the browser tests read.
import type { MeetingStats } from '@conclave/client';
export interface RoomFrameStats {
  readonly sent: number;
  readonly received: number;
  readonly decrypted: number;
  readonly dropped: number;
  /**
   * Of those, frames whose keys were not there in time (`unknown_epoch`, `no_keys`): what a help
   * desk asks about when someone says the picture froze as people joined (docs/media.md).
   */
  readonly lostToRekeying: number;
  /** Frames protected or decrypted in the SFrame workers. */
  readonly inWorkers: number;
}

/** The figures from the SDK's counters (none before joining) and the SFrame workers'. */
export function frameStatsOf(
  frames: MeetingStats['frames'] | undefined,
  workers: { readonly protected: number; readonly decrypted: number },
): RoomFrameStats {
  return {
    sent: frames?.sent ?? 0,
    received: frames?.received ?? 0,
    decrypted: frames?.decrypted ?? 0,
    dropped: frames?.droppedTotal ?? 0,
    lostToRekeying: (frames?.dropped.unknown_epoch ?? 0) + (frames?.dropped.no_keys ?? 0),
    inWorkers: workers.protected + workers.decrypted,
  };
}

export function RoomStats({ stats }: { stats: RoomFrameStats }) {
  return (
    <details
      className="room-panel room-stats"
      data-frames-sent={stats.sent}
      data-frames-received={stats.received}
      data-frames-decrypted={stats.decrypted}
      data-frames-dropped={stats.dropped}
      data-frames-lost-to-rekeying={stats.lostToRekeying}
      data-worker-frames={stats.inWorkers}
    >
      <summary>Media statistics</summary>
      <dl>
        <dt>Frames sent</dt>
        <dd>{stats.sent}</dd>
        <dt>Frames received</dt>
        <dd>{stats.received}</dd>
        <dt>Frames decrypted</dt>
        <dd>{stats.decrypted}</dd>
        <dt>Frames dropped</dt>
        <dd>{stats.dropped}</dd>
        <dt>Frames lost to rekeying</dt>
        <dd>{stats.lostToRekeying}</dd>
        <dt>Frames through the SFrame worker</dt>
        <dd>{stats.inWorkers}</dd>
      </dl>
    </details>
  );
}
