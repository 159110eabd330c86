// What one media sender of `conclave load` sees of the removals (--churn leaves, --removals): for
// each departing participant, the first epoch whose group no longer has them; when this member
// entered each epoch; and when it sent its first frame under each epoch, read from the frame's
// own SFrame key id. The parent turns these into the removal cut-off (removal-cutoff.ts): how long
// a removed participant could still have derived the keys some sender protected media with.
import { parseKid, SFRAME_EPOCH_BITS } from '@conclave/crypto/member';
import type { HeadlessParticipant } from './participant.ts';

/** An epoch and when something happened in it (ms since the epoch of the clock). */
export interface EpochMoment {
  readonly epoch: string;
  readonly at: number;
}

/** One sender's view of the removals. */
export interface SenderCutoffs {
  /** Departing user id → the first epoch (decimal) whose group no longer had them. */
  readonly removedAt: Record<string, string>;
  /** When this member entered each epoch (processed its commit; a removal moves senders then). */
  readonly entered: readonly EpochMoment[];
  /** The first frame this sender sent under each epoch. */
  readonly firstFrames: readonly EpochMoment[];
}

const EPOCH_MASK = (1n << BigInt(SFRAME_EPOCH_BITS)) - 1n;

/**
 * The full epoch of a frame whose KID carries `bits`, sent while senders were at most at
 * `current`: the newest epoch not after `current` with those low bits.
 */
export function frameEpoch(bits: number, current: bigint): bigint {
  return current - ((current - BigInt(bits)) & EPOCH_MASK);
}

export function watchRemovals(
  participant: HeadlessParticipant,
  leavers: readonly string[],
  now: () => number = Date.now,
): { stop(): SenderCutoffs } {
  const meeting = participant.meeting;
  const removedAt: Record<string, string> = {};
  const entered: EpochMoment[] = [];
  const firstFrames: EpochMoment[] = [];
  const watched = new Set(leavers);
  const offEpoch =
    meeting?.on('epoch', ({ epoch }) => {
      entered.push({ epoch: epoch.toString(), at: now() });
      if (watched.size === 0) return;
      const present = new Set(meeting.roster.map((m) => m.userId));
      for (const userId of watched) {
        if (present.has(userId)) continue;
        removedAt[userId] = epoch.toString();
        watched.delete(userId);
      }
    }) ?? (() => undefined);
  let last: bigint | undefined;
  const offSent = participant.onFrameSent((sent) => {
    const current = meeting?.mediaEpoch;
    if (current === undefined) return;
    const epoch = frameEpoch(parseKid(sent.kid).epochBits, current);
    if (last !== undefined && epoch <= last) return;
    last = epoch;
    firstFrames.push({ epoch: epoch.toString(), at: now() });
  });
  return {
    stop() {
      offSent();
      offEpoch();
      return { removedAt, entered, firstFrames };
    },
  };
}
