// When has a load run's join storm settled? Each worker process compacts its participants into a
// status (how many sit at each epoch, security code and roster size), and the parent judges all
// workers' statuses together: agreement inside each worker says nothing about agreement between
// them.

/** One participant as the judgement sees it. */
export type ParticipantState =
  | { readonly kind: 'joining' }
  /** `why`: a few words — the join's error, why the meeting ended for it, or where it stands. */
  | { readonly kind: 'failed'; readonly why: string }
  | {
      readonly kind: 'joined';
      readonly epoch: string | null;
      readonly securityCode: string | null;
      readonly rosterLength: number;
    };

export interface ConvergenceKey {
  readonly epoch: string | null;
  /** Null in standard meetings, which have no security code. */
  readonly securityCode: string | null;
  readonly rosterLength: number;
}

/** A worker's participants, compacted: small enough to send on every change. */
export interface WorkerStatus {
  readonly total: number;
  readonly joining: number;
  /** Not joining and not in the meeting: the join failed, or the participant was put out. */
  readonly failed: number;
  /** The failed participants, counted by why (see ParticipantState). */
  readonly failedBecause: Readonly<Record<string, number>>;
  /** The joined participants, counted per key. */
  readonly keys: readonly (ConvergenceKey & { readonly count: number })[];
  /**
   * MLS steps the worker's participants asked for and have not finished (mls-turns.ts): a commit
   * they received but have not processed yet keeps their epoch where it was. Absent: unknown.
   */
  readonly mlsSteps?: number;
}

export function workerStatus(participants: readonly ParticipantState[]): WorkerStatus {
  let joining = 0;
  let failed = 0;
  const failedBecause: Record<string, number> = {};
  const keys = new Map<string, ConvergenceKey & { count: number }>();
  for (const p of participants) {
    switch (p.kind) {
      case 'joining':
        joining++;
        break;
      case 'failed':
        failed++;
        failedBecause[p.why] = (failedBecause[p.why] ?? 0) + 1;
        break;
      case 'joined': {
        const id = keyId(p);
        const known = keys.get(id);
        if (known === undefined)
          keys.set(id, {
            epoch: p.epoch,
            securityCode: p.securityCode,
            rosterLength: p.rosterLength,
            count: 1,
          });
        else known.count++;
        break;
      }
    }
  }
  return { total: participants.length, joining, failed, failedBecause, keys: [...keys.values()] };
}

/**
 * Converged: no participant in any worker is still joining, at least one joined, and every joined
 * participant in every worker is at one key whose roster lists exactly everyone joined. A worker
 * that has not reported yet (undefined) means not converged.
 */
export function judgeConvergence(statuses: readonly (WorkerStatus | undefined)[]): boolean {
  return convergedKey(statuses) !== undefined;
}

/** The one key every joined participant is at, when they have converged (see above). */
export function convergedKey(
  statuses: readonly (WorkerStatus | undefined)[],
): ConvergenceKey | undefined {
  const keys = new Map<string, ConvergenceKey & { count: number }>();
  for (const status of statuses) {
    if (status === undefined || status.joining > 0) return undefined;
    for (const key of status.keys) {
      const id = keyId(key);
      const known = keys.get(id);
      if (known === undefined) keys.set(id, { ...key });
      else known.count += key.count;
    }
  }
  if (keys.size !== 1) return undefined;
  const [only] = keys.values();
  return only!.count > 0 && only!.rosterLength === only!.count ? only : undefined;
}

/** The participants counted by a set of statuses: joined, failed and still joining. */
export function tally(statuses: readonly (WorkerStatus | undefined)[]): {
  joined: number;
  failed: number;
  joining: number;
} {
  let joined = 0;
  let failed = 0;
  let joining = 0;
  for (const status of statuses) {
    if (status === undefined) continue;
    failed += status.failed;
    joining += status.joining;
    for (const key of status.keys) joined += key.count;
  }
  return { joined, failed, joining };
}

/** Whether two keys are the same epoch, security code and roster size. */
export function sameKey(a: ConvergenceKey, b: ConvergenceKey): boolean {
  return keyId(a) === keyId(b);
}

function keyId(key: ConvergenceKey): string {
  return JSON.stringify([key.epoch, key.securityCode, key.rosterLength]);
}

/**
 * Where the storm stands beyond a count, for the progress lines of a long run: why those who are
 * not in failed, and — when all joins have ended but the meeting has not converged — where the
 * joined participants are (epoch, roster size), the largest groups first.
 */
export function describeStanding(statuses: readonly (WorkerStatus | undefined)[]): string {
  const because = new Map<string, number>();
  const at = new Map<string, number>();
  for (const status of statuses) {
    if (status === undefined) continue;
    for (const [why, n] of Object.entries(status.failedBecause))
      because.set(why, (because.get(why) ?? 0) + n);
    for (const key of status.keys) {
      const id = `epoch ${key.epoch ?? '-'} with ${key.rosterLength} in the roster`;
      at.set(id, (at.get(id) ?? 0) + key.count);
    }
  }
  const largest = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([what, n]) => `${n} ${what}`)
      .join('; ');
  const parts = [];
  if (at.size > 0) parts.push(`joined: ${largest(at)}${at.size > 3 ? '; …' : ''}`);
  if (because.size > 0) parts.push(`not in: ${largest(because)}${because.size > 3 ? '; …' : ''}`);
  return parts.join(' — ');
}
