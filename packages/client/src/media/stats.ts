// Frame counters: totals, drops by reason, and the same per sender (relay id). Nothing here holds
// content; counters are what a user or a load test reports.
import type { FrameRefusedReason } from '../wire.ts';

export type FrameDropReason =
  /** The envelope does not decode (docs/media.md error codes). */
  | 'malformed_envelope'
  /** An envelope carrying this participant's own relay id. */
  | 'own_frame'
  /** A relay id the server's participant list does not know. */
  | 'unknown_sender'
  /** The SFrame key id names a leaf that is not the envelope sender's (impersonation). */
  | 'sender_mismatch'
  /** The SFrame key id's context is not the envelope's media kind. */
  | 'kind_mismatch'
  /**
   * No media keys yet (before the Welcome or the first media key), and none came while the frame
   * was held back (hold-back.ts).
   */
  | 'no_keys'
  /**
   * Under an epoch from before this participant joined (a sender had not moved to the epoch that
   * added it yet): never meant for it, so not a loss — its media starts with the next epoch.
   */
  | 'before_join'
  /** SFrame's own reasons (RFC 9605 header, key id, replay window, authentication). */
  | 'malformed_header'
  | 'too_short'
  | 'unknown_kid'
  /** An epoch no longer kept (past retention), or one that did not arrive while the frame was held. */
  | 'unknown_epoch'
  | 'own_kid'
  | 'replay'
  | 'too_old'
  | 'auth_failed'
  | 'suite_not_allowed'
  | 'closed'
  /**
   * This client was behind: more frames waited in its queue than it could process, so a new one
   * was dropped rather than queued without bound (MLS work and memory come first).
   */
  | 'backlog';

export interface SenderCounters {
  readonly relayId: number;
  received: number;
  decrypted: number;
  dropped: Partial<Record<FrameDropReason, number>>;
}

export interface FrameCounters {
  /**
   * Frames handed to the relay, less those it said it refused. The relay says so at most once per
   * stream and reason per second, so frames refused in the last second may still count here.
   */
  sent: number;
  /** Sends refused (no keys yet, not connected, back-pressure). */
  notSent: number;
  /**
   * Frames the relay refused and forwarded to nobody, by its reason: `stream_not_owned` (a stream
   * that is not this participant's), `spoofed_sender` (another participant's relay id).
   */
  refused: Partial<Record<FrameRefusedReason, number>>;
  received: number;
  decrypted: number;
  dropped: Partial<Record<FrameDropReason, number>>;
}

export class FrameStats {
  readonly totals: FrameCounters = {
    sent: 0,
    notSent: 0,
    refused: {},
    received: 0,
    decrypted: 0,
    dropped: {},
  };
  readonly #bySender = new Map<number, SenderCounters>();

  sent(): void {
    this.totals.sent++;
  }

  notSent(): void {
    this.totals.notSent++;
  }

  /** Frames counted as sent that the relay refused: moved from sent to refused. */
  refused(reason: FrameRefusedReason, frames: number): void {
    const totals = this.totals;
    totals.refused[reason] = (totals.refused[reason] ?? 0) + frames;
    totals.sent = Math.max(0, totals.sent - frames);
  }

  received(relayId: number | undefined): void {
    this.totals.received++;
    if (relayId !== undefined) this.#sender(relayId).received++;
  }

  decrypted(relayId: number): void {
    this.totals.decrypted++;
    this.#sender(relayId).decrypted++;
  }

  dropped(reason: FrameDropReason, relayId: number | undefined): void {
    this.totals.dropped[reason] = (this.totals.dropped[reason] ?? 0) + 1;
    if (relayId === undefined) return;
    const sender = this.#sender(relayId);
    sender.dropped[reason] = (sender.dropped[reason] ?? 0) + 1;
  }

  snapshot(): { totals: FrameCounters; bySender: SenderCounters[] } {
    return {
      totals: {
        ...this.totals,
        refused: { ...this.totals.refused },
        dropped: { ...this.totals.dropped },
      },
      bySender: [...this.#bySender.values()].map((s) => ({ ...s, dropped: { ...s.dropped } })),
    };
  }

  #sender(relayId: number): SenderCounters {
    let counters = this.#bySender.get(relayId);
    if (counters === undefined) {
      counters = { relayId, received: 0, decrypted: 0, dropped: {} };
      this.#bySender.set(relayId, counters);
    }
    return counters;
  }
}

export function totalDropped(dropped: Partial<Record<FrameDropReason, number>>): number {
  return Object.values(dropped).reduce((sum, n) => sum + (n ?? 0), 0);
}
