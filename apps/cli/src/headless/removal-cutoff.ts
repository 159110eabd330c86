// The removal cut-off (issue 13): when someone leaves or is removed, how long until every
// remaining sender protects its media with keys the removed person cannot derive — the first
// frame each sender sends under the first epoch without them (docs/cli.md, docs/e2ee-profile.md).
//
// Wall clock: from the departure — the moment the leaver sent `leave`, or the organizer sent
// `remove-participant`; the server takes them out when that arrives, so the figure errs long by
// the request's transit, never short — until the last sender's first frame under that epoch.
//
// Critical path, each device its own (as the join critical path, critical-path.ts): the server's
// wait from taking them out until it asked for the commit (its batching window and anything it
// was blocked behind, counted at the blocking step's own cost) + the committer building the
// commit + the slowest remaining member processing it (senders move at once on a removal) + one
// audio frame interval until the next frame goes out under the new keys.
import {
  epochTimings,
  FRAME_INTERVAL_MS,
  ownBatchingWait,
  type EpochTimings,
} from './critical-path.ts';
import type { SenderCutoffs } from './cutoff-watch.ts';
import { distribution, type Distribution } from './distribution.ts';
import type { ParticipantReport } from './participant.ts';

/** A departure the load run made: who, how, and when the request went to the server. */
export interface DepartureRecord {
  readonly userId: string;
  /** `leave`: they left; `remove`: the organizer removed them. */
  readonly kind: 'leave' | 'remove';
  readonly at: number;
}

/** The first epoch without `userId`, as the senders saw it (undefined if one never did). */
function epochWithout(userId: string, senders: readonly SenderCutoffs[]): bigint | undefined {
  let epoch: bigint | undefined;
  for (const sender of senders) {
    const removedAt = sender.removedAt[userId];
    if (removedAt === undefined) return undefined;
    const e = BigInt(removedAt);
    if (epoch === undefined || e > epoch) epoch = e;
  }
  return epoch;
}

/** When `sender` first sent a frame under `epoch` or later. */
function firstFrameFrom(sender: SenderCutoffs, epoch: bigint): number | undefined {
  return sender.firstFrames.find((f) => BigInt(f.epoch) >= epoch)?.at;
}

/**
 * Each departure's cut-off on the wall clock: from the request until the last sender's first frame
 * under an epoch the departed is not in. Undefined where a sender never got there (or there is no
 * group: a standard meeting).
 */
export function removalCutoffs(
  departures: readonly DepartureRecord[],
  senders: readonly SenderCutoffs[],
): (number | undefined)[] {
  return departures.map((departure) => {
    const epoch = senders.length === 0 ? undefined : epochWithout(departure.userId, senders);
    if (epoch === undefined) return undefined;
    let last = departure.at;
    for (const sender of senders) {
      const at = firstFrameFrom(sender, epoch);
      if (at === undefined) return undefined;
      last = Math.max(last, at);
    }
    return last - departure.at;
  });
}

export interface RemovalCriticalPath extends Distribution {
  /** Departures with every part measured. */
  readonly removals: number;
  readonly parts: {
    /** The server's wait from taking them out to asking for the commit (blocked time at cost). */
    readonly serverWait: Distribution;
    /** The same wait on the wall clock, blocked time included (shared cores). */
    readonly measuredWait: Distribution;
    readonly commit: Distribution;
    /** The slowest remaining member's processing of the commit. */
    readonly processing: Distribution;
    /** Until the next frame: one audio frame interval. */
    readonly frame: Distribution;
    /** Measured beside it: the slowest sender's time from entering the epoch to its first frame. */
    readonly measuredFrame: Distribution;
  };
}

/** One departure's critical path and its parts; undefined if a part was not measured. */
export function removalPath(
  epoch: bigint,
  timings: EpochTimings,
  reports: readonly ParticipantReport[],
  senders: readonly SenderCutoffs[],
):
  | {
      total: number;
      serverWait: number;
      measuredWait: number;
      commit: number;
      processing: number;
      measuredFrame: number;
    }
  | undefined {
  const key = epoch.toString();
  const commit = timings.commits.get(key);
  if (commit === undefined) return undefined;
  let processing: number | undefined;
  for (const r of reports)
    for (const p of r.mls?.processed ?? [])
      if (p.epoch === key) processing = Math.max(processing ?? 0, p.ms);
  if (processing === undefined) return undefined;
  let measuredFrame = 0;
  for (const sender of senders) {
    const entered = sender.entered.find((e) => e.epoch === key)?.at;
    const sent = firstFrameFrom(sender, epoch);
    if (entered !== undefined && sent !== undefined)
      measuredFrame = Math.max(measuredFrame, sent - entered);
  }
  const serverWait = ownBatchingWait(key, commit, timings);
  return {
    total: serverWait + commit.commitMs + processing + FRAME_INTERVAL_MS,
    serverWait,
    measuredWait: commit.waitedMs ?? 0,
    commit: commit.commitMs,
    processing,
    measuredFrame,
  };
}

export function removalCriticalPaths(
  departures: readonly DepartureRecord[],
  senders: readonly SenderCutoffs[],
  reports: readonly ParticipantReport[],
): RemovalCriticalPath {
  const timings = epochTimings(reports);
  const paths = departures.flatMap((d) => {
    const epoch = senders.length === 0 ? undefined : epochWithout(d.userId, senders);
    const path = epoch === undefined ? undefined : removalPath(epoch, timings, reports, senders);
    return path === undefined ? [] : [path];
  });
  const of = (part: keyof (typeof paths)[number]) => distribution(paths.map((p) => p[part]));
  return {
    ...of('total'),
    removals: paths.length,
    parts: {
      serverWait: of('serverWait'),
      measuredWait: of('measuredWait'),
      commit: of('commit'),
      processing: of('processing'),
      frame: distribution(paths.map(() => FRAME_INTERVAL_MS)),
      measuredFrame: of('measuredFrame'),
    },
  };
}
