// When the relay refuses a participant's frames, it tells that participant — at most once per
// stream and reason per interval, so a sender that keeps sending refused frames does not make the
// relay answer each one. Each notice carries how many frames were refused since the previous one,
// so the sender can count them as refused instead of sent.
import type { FrameRefusedReason } from './wire.ts';

/**
 * Streams and reasons tracked at once per participant. An honest client has at most three streams;
 * past this a client spraying stream ids gets no more notices until its entries go quiet.
 */
export const MAX_TRACKED_REFUSALS = 64;

interface Tracked {
  lastNoticeAt: number;
  /** Refused since the last notice. */
  pending: number;
}

export class RefusalNotices {
  private readonly tracked = new Map<number, Tracked>();

  /**
   * A frame on `streamId` was refused for `reason` at `now`: returns how many frames the notice
   * to send now should report, or 0 if no notice is due yet.
   */
  note(streamId: number, reason: FrameRefusedReason, now: number, intervalMs: number): number {
    const key = streamId * 2 + (reason === 'spoofed_sender' ? 0 : 1);
    let entry = this.tracked.get(key);
    if (entry === undefined) {
      if (this.tracked.size >= MAX_TRACKED_REFUSALS) this.forgetQuiet(now, intervalMs);
      if (this.tracked.size >= MAX_TRACKED_REFUSALS) return 0; // a client spraying stream ids: no more notices
      entry = { lastNoticeAt: -Infinity, pending: 0 };
      this.tracked.set(key, entry);
    }
    entry.pending++;
    if (now - entry.lastNoticeAt < intervalMs) return 0;
    const frames = entry.pending;
    entry.lastNoticeAt = now;
    entry.pending = 0;
    return frames;
  }

  /** Drops entries whose last notice is an interval old (their pending count goes unreported). */
  private forgetQuiet(now: number, intervalMs: number): void {
    for (const [key, entry] of this.tracked) {
      if (now - entry.lastNoticeAt >= intervalMs) this.tracked.delete(key);
    }
  }
}
