// `conclave load --churn N`: N participants join and N leave while media flows, so a run shows
// the steady state of a meeting people come and go from, not only its first storm — and what
// rekeying costs there: the frames lost because keys were not in place (docs/media.md
// "Rekeying without a gap"). Frames under an epoch from before a participant joined
// (`before_join`) and a slow client's shed frames (`backlog`) are not rekeying losses.
import type { ChurnEvent, LoadAccount } from './load-protocol.ts';
import type { Share } from './load-workers.ts';

/** The drop reasons that mean a frame's keys were not there in time. */
export const REKEY_LOSS_REASONS = ['unknown_epoch', 'no_keys'] as const;

/** Frame counters over a stretch of the run (one participant's, or everyone's summed). */
export interface FrameWindow {
  received: number;
  decrypted: number;
  dropped: Record<string, number>;
}

export interface FrameCounts {
  readonly received: number;
  readonly decrypted: number;
  readonly dropped: Readonly<Record<string, number | undefined>>;
}

/** `now` less `start`: what happened in between. */
export function windowOf(start: FrameCounts | undefined, now: FrameCounts): FrameWindow {
  const dropped: Record<string, number> = {};
  for (const [reason, n] of Object.entries(now.dropped)) {
    const since = (n ?? 0) - (start?.dropped[reason] ?? 0);
    if (since > 0) dropped[reason] = since;
  }
  return {
    received: now.received - (start?.received ?? 0),
    decrypted: now.decrypted - (start?.decrypted ?? 0),
    dropped,
  };
}

export function addWindows(windows: readonly FrameWindow[]): FrameWindow {
  const total: FrameWindow = { received: 0, decrypted: 0, dropped: {} };
  for (const w of windows) {
    total.received += w.received;
    total.decrypted += w.decrypted;
    for (const [reason, n] of Object.entries(w.dropped))
      total.dropped[reason] = (total.dropped[reason] ?? 0) + n;
  }
  return total;
}

export interface RekeyLoss {
  /** Frames dropped for a rekey loss reason in the window. */
  readonly frames: number;
  /** Those frames as a share of the frames received in the window (0–1). */
  readonly share: number;
  /** Per rekey loss reason: frames per rekey (null without a rekey). */
  readonly perRekey: Record<(typeof REKEY_LOSS_REASONS)[number], number | null>;
}

export function rekeyLoss(window: FrameWindow, rekeys: number): RekeyLoss {
  const of = (reason: string) => window.dropped[reason] ?? 0;
  const frames = REKEY_LOSS_REASONS.reduce((n, reason) => n + of(reason), 0);
  const perRekey = Object.fromEntries(
    REKEY_LOSS_REASONS.map((reason) => [reason, rekeys === 0 ? null : of(reason) / rekeys]),
  ) as RekeyLoss['perRekey'];
  return { frames, share: window.received === 0 ? 0 : frames / window.received, perRekey };
}

export interface ChurnPlan {
  /** Each worker's extra accounts, joined during the run. */
  readonly churners: readonly (readonly LoadAccount[])[];
  /** Who will leave (user ids): the senders watch for their removal (removal-cutoff.ts). */
  readonly leavers: readonly string[];
  /** Each worker's events, in time order. */
  readonly events: readonly (readonly ChurnEvent[])[];
}

/**
 * `count` joins and `count` leaves, interleaved (join, leave, join…) and spread evenly over
 * `durationMs`: the k-th of the 2·count events at k·duration/(2·count + 1). The joiners are
 * `churners`, dealt to the workers in turn; the leavers are the last participants, never a
 * media sender (the senders are the first accounts).
 */
export function planChurn(
  shares: readonly Share[],
  churners: readonly LoadAccount[],
  durationMs: number,
): ChurnPlan {
  const count = churners.length;
  const workers = shares.length;
  const perWorker: LoadAccount[][] = shares.map(() => []);
  const events: ChurnEvent[][] = shares.map(() => []);
  churners.forEach((account, j) => perWorker[j % workers]!.push(account));
  // Where each participant sits: [worker, index in its share], from the last one back.
  const seats = shares.flatMap((share, w) => share.accounts.map((_, i) => [w, i] as const));
  const step = durationMs / (2 * count + 1);
  const leavers: string[] = [];
  for (let j = 0; j < count; j++) {
    const joinAt = Math.round((2 * j + 1) * step);
    events[j % workers]!.push({ atMs: joinAt, kind: 'join', index: Math.floor(j / workers) });
    const [w, i] = seats[seats.length - 1 - j]!;
    leavers.push(shares[w]!.accounts[i]!.userId);
    events[w]!.push({ atMs: Math.round((2 * j + 2) * step), kind: 'leave', index: i });
  }
  for (const list of events) list.sort((a, b) => a.atMs - b.atMs);
  return { churners: perWorker, events, leavers };
}
