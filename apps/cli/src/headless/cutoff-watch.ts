// What one media sender of `conclave load --churn` sees of the removals: for each leaver, the
// first epoch whose group no longer has them, and when its own media moved to each epoch. The
// parent turns these into the removal cut-off (churn.ts `removalCutoffs`): how long a leaver
// could still have derived the keys some sender protected media with.
import type { Meeting } from '@conclave/client';
import type { SenderCutoffs } from './churn.ts';

/** How often the sender's media epoch is looked at: the cut-off is known to this much. */
const POLL_MS = 5;

export function watchRemovals(
  meeting: Meeting,
  leavers: readonly string[],
): { stop(): SenderCutoffs } {
  const removedAt: Record<string, string> = {};
  const moves: { epoch: string; at: number }[] = [];
  const watched = new Set(leavers);
  const offEpoch = meeting.on('epoch', ({ epoch }) => {
    if (watched.size === 0) return;
    const present = new Set(meeting.roster.map((m) => m.userId));
    for (const userId of watched) {
      if (present.has(userId)) continue;
      removedAt[userId] = epoch.toString();
      watched.delete(userId);
    }
  });
  let last: bigint | undefined;
  const poll = setInterval(() => {
    const now = meeting.mediaEpoch;
    if (now === undefined || now === last) return;
    last = now;
    moves.push({ epoch: now.toString(), at: Date.now() });
  }, POLL_MS);
  return {
    stop() {
      clearInterval(poll);
      offEpoch();
      return { removedAt, moves };
    },
  };
}
