// `conclave load --removals N`: once media flows, N participants depart one after another — by
// turns they leave, or the organizer removes them — each once the meeting has settled on the epoch
// without the one before, so every departure's removal cut-off is its own (removal-cutoff.ts).
import type { Share } from './load-workers.ts';

/** One departure: `leave` (they leave) or `remove` (the organizer removes them). */
export interface RemovalStep {
  readonly kind: 'leave' | 'remove';
  readonly userId: string;
}

export interface RemovalPlan {
  /** The organizer (the first participant), who makes the `remove` steps. */
  readonly organizer: string;
  readonly steps: readonly RemovalStep[];
}

/**
 * `count` departures, alternating leave and organizer removal (a leave first). The departing are
 * the last participants, never a media sender nor the organizer: the senders are the first
 * accounts, the organizer the very first.
 */
export function planRemovals(shares: readonly Share[], count: number): RemovalPlan {
  const accounts = shares.flatMap((share) => share.accounts);
  const senders = shares.reduce((n, share) => n + share.senders, 0);
  const organizer = accounts[0]?.userId;
  if (organizer === undefined || count > accounts.length - Math.max(1, senders))
    throw new RangeError('not enough participants who send nothing to depart');
  const steps = Array.from({ length: count }, (_, k): RemovalStep => {
    const account = accounts[accounts.length - 1 - k]!;
    return { kind: k % 2 === 0 ? 'leave' : 'remove', userId: account.userId };
  });
  return { organizer, steps };
}
