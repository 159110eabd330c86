// What one join costs when every device is its own (issue 11): the load tool's clients share this
// machine's cores, so their wall-clock join times mostly measure the queue. Each join's critical
// path is added up from work each party measured around its own step: the delivery service's
// batching wait, the committer building the commit, the joiner processing its Welcome, and the
// first decrypted frame — which comes once a sender moves to the joiner's epoch: when every member
// has the epoch (the slowest member's own processing of the commit or its Welcome) or the sender's
// bound, whichever is first, plus one audio frame interval.
//
// The batching wait is the joiner's own: from its Add's arrival at the delivery service to the
// commit request that covered it (`welcome.waits`, recorded with its Welcome) — one who arrived
// late in a batch waited less than the batch. Where the server did not say it (an older server, or
// one that restarted meanwhile), the batch's wait stands in: from the batch's first proposal, as
// the committer was told. Either is the delivery service's window (gathering arrivals) plus the
// time the batch was ready but blocked: by the group's founding or by the previous epoch's commit
// still being awaited. On shared cores that blocked time is the blocking committer's queue; with
// its own device it is at most the blocking step's own measured cost (the founder creating the
// group, the previous committer building its commit) — that is what the critical path counts. The
// same wait on the delivery service's wall clock is reported beside it (`measuredWait`).
import { DEFAULT_SEND_SWITCH_BOUND_MS } from '@conclave/client';
import { distribution, type Distribution } from './distribution.ts';
import type { ParticipantReport } from './participant.ts';

/** Audio frames are 20 ms apart: the first one under the new keys comes within that. */
export const FRAME_INTERVAL_MS = 20;

/** A wait the delivery service said: a batch's (`commit-request`) or a joiner's (`welcome`). */
export interface ServerWait {
  readonly waitedMs?: number;
  readonly blockedMs?: number;
}

/** A commit that won, as its committer measured it (MlsTimings `commits`). */
export interface CommitTiming extends ServerWait {
  readonly commitMs: number;
}

/** Every participant's MLS timings, gathered by epoch: the shared parts of each critical path. */
export interface EpochTimings {
  /** The winning commit that made each epoch. */
  readonly commits: ReadonlyMap<string, CommitTiming>;
  /** The group's founding, in ms (0 if nobody reported it). */
  readonly foundingMs: number;
}

export function epochTimings(reports: readonly ParticipantReport[]): EpochTimings {
  const commits = new Map<string, CommitTiming>();
  let foundingMs = 0;
  for (const r of reports) {
    for (const c of r.mls?.commits ?? []) commits.set(c.epoch, c);
    if (r.mls?.created !== undefined) foundingMs = r.mls.created.ms;
  }
  return { commits, foundingMs };
}

/**
 * A wait before the delivery service asked for the commit that made `epoch` (a joiner's own, or
 * its batch's), as it would be with every device its own: the time the batch was ready but
 * blocked counts the blocking step's own measured cost (the founding, or the previous epoch's
 * commit), never more than the wall clock blocked.
 */
export function ownBatchingWait(epoch: string, wait: ServerWait, timings: EpochTimings): number {
  const measured = wait.waitedMs ?? 0;
  const blocked = Math.min(wait.blockedMs ?? 0, measured);
  // The commit that made the epoch before this one (or, before epoch 1, the group's founding).
  const before = BigInt(epoch) - 1n;
  const blocker =
    before <= 0n
      ? timings.foundingMs
      : (timings.commits.get(before.toString())?.commitMs ?? blocked);
  return measured - blocked + Math.min(blocked, blocker);
}

export interface CriticalPath extends Distribution {
  /** Joins with every part measured (joiners that came in by a Welcome). */
  readonly joins: number;
  readonly parts: {
    readonly batchingWait: Distribution;
    /** The same wait on the delivery service's wall clock, blocked time included (shared cores). */
    readonly measuredWait: Distribution;
    readonly commit: Distribution;
    readonly welcome: Distribution;
    readonly firstFrame: Distribution;
  };
}

export function criticalPaths(reports: readonly ParticipantReport[]): CriticalPath {
  const timings = epochTimings(reports);
  const slowest = new Map<string, number>();
  for (const r of reports) {
    // Senders move once every member has the epoch: the joiners with their Welcome, the others
    // with the commit.
    const done = [
      ...(r.mls?.processed ?? []),
      ...(r.mls?.welcome === undefined ? [] : [r.mls.welcome]),
    ];
    for (const p of done) slowest.set(p.epoch, Math.max(slowest.get(p.epoch) ?? 0, p.ms));
  }
  const parts = {
    batchingWait: [] as number[],
    measuredWait: [] as number[],
    commit: [] as number[],
    welcome: [] as number[],
  };
  const firstFrame: number[] = [];
  const totals: number[] = [];
  for (const r of reports) {
    const welcome = r.mls?.welcome;
    const commit = welcome === undefined ? undefined : timings.commits.get(welcome.epoch);
    if (welcome === undefined || commit === undefined) continue;
    // The joiner's own wait when the server said it, else its batch's.
    const wait: ServerWait = welcome.waitedMs === undefined ? commit : welcome;
    const waited = ownBatchingWait(welcome.epoch, wait, timings);
    const frame =
      Math.min(DEFAULT_SEND_SWITCH_BOUND_MS, slowest.get(welcome.epoch) ?? 0) + FRAME_INTERVAL_MS;
    parts.batchingWait.push(waited);
    parts.measuredWait.push(wait.waitedMs ?? 0);
    parts.commit.push(commit.commitMs);
    parts.welcome.push(welcome.ms);
    firstFrame.push(frame);
    totals.push(waited + commit.commitMs + welcome.ms + frame);
  }
  return {
    ...distribution(totals),
    joins: totals.length,
    parts: {
      batchingWait: distribution(parts.batchingWait),
      measuredWait: distribution(parts.measuredWait),
      commit: distribution(parts.commit),
      welcome: distribution(parts.welcome),
      firstFrame: distribution(firstFrame),
    },
  };
}
