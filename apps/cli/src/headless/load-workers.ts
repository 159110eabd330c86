// The participant side of `conclave load`, seen from the command: the accounts split over several
// worker processes (so the N MLS clients use every core), one join storm started in all of them at
// once, and one convergence judgement across them. A worker that dies fails the run and takes the
// others down with it: no process outlives the run.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CliError } from '../errors.ts';
import type { ChurnPlan, FrameWindow } from './churn.ts';
import {
  convergedKey,
  describeStanding,
  judgeConvergence,
  sameKey,
  tally,
  type WorkerStatus,
} from './convergence.ts';
import type { SenderCutoffs } from './cutoff-watch.ts';
import { clientMemory, heapMbPerWorker, type ClientMemory } from './client-memory.ts';
import { addPauses, NO_PAUSES, type ExcludedPauses } from './heap-pauses.ts';
import type { LoadAccount, ParentMessage, StartLoad, WorkerMessage } from './load-protocol.ts';
import type { ParticipantReport } from './participant.ts';
import type { ProgressBar } from './progress-bar.ts';
import type { DepartureRecord } from './removal-cutoff.ts';
import type { RemovalPlan } from './removals.ts';

/** --removals: media under the new epoch for this long after each departure has settled. */
const STEP_GAP_MS = 500;
/** How often a storm that has not converged says where it stands (if that changed). */
const STANDING_EVERY_MS = 30_000;

/** One worker's accounts, and how many of its first ones send media. */
export type Share = Pick<StartLoad, 'accounts' | 'senders'>;

export interface StormPlan {
  readonly server: string;
  readonly meetingId: string;
  /** A worker process each (see `splitAccounts`). */
  readonly shares: readonly Share[];
  /** Each join's own deadline; convergence is then awaited as long again. */
  readonly joinTimeoutMs: number;
  readonly durationMs: number;
  /** --churn: who joins and leaves while media flows. */
  readonly churn?: ChurnPlan;
  /** --removals: after `durationMs` of media, who departs, one after another. */
  readonly removals?: RemovalPlan;
  /** False: only the senders take media (LoadOptions.othersReceive). */
  readonly othersReceive?: boolean;
  /** The senders start their media once the storm converged (LoadOptions.mediaAfterConvergence). */
  readonly mediaAfterConvergence?: boolean;
  /**
   * After converging, the meeting must stay on one epoch this long before the measured time
   * begins; a commit meanwhile is awaited to the next agreement (LoadOptions.settleMs).
   */
  readonly settleMs?: number;
  /** MLS steps take turns from the start, the join storm included (mls-turns.ts). */
  readonly turnsFromStart?: boolean;
}

export interface StormResult {
  /** Worker by worker: its accounts, then its churners. */
  readonly reports: readonly ParticipantReport[];
  /** The same participants' frames in the measured time only, and whether each left in it. */
  readonly windows: readonly FrameWindow[];
  readonly left: readonly boolean[];
  /** The first participant's epoch when the measured time began and ended. */
  readonly epochs: { readonly start: string | null; readonly end: string | null };
  /** Every leave made, and what every media sender saw of the removals. */
  readonly cutoffs: { readonly leaves: DepartureRecord[]; readonly senders: SenderCutoffs[] };
  /** The workers' shared-heap pauses taken out of their timed MLS steps, together. */
  readonly excludedPauses: ExcludedPauses;
  /** The participant workers' memory: their peaks together, and per participant. */
  readonly clientMemory: ClientMemory;
  /** From the `go` to every worker until all joined agreed on one epoch, code and roster. */
  readonly convergedMs: number | null;
  /** StormPlan.settleMs: when the meeting last came to one epoch before the measured time. */
  readonly settled: Settled | null;
}

export interface Settled {
  /** From the `go` until the agreement that then held for the settle time; null: it never did. */
  readonly ms: number | null;
  /** The epochs the meeting moved while settling (a periodic update that waited for everyone). */
  readonly rekeys: number;
}

export interface StormOptions {
  /** The worker module; a test may put a stand-in here. */
  readonly workerPath?: string;
  /** How long the workers get to leave the meeting once the reports are in. */
  readonly leaveTimeoutMs?: number;
}

/**
 * Contiguous, nearly equal shares, never an empty one; the senders are the first `senders`
 * accounts overall, whichever shares they land in.
 */
export function splitAccounts(
  accounts: readonly LoadAccount[],
  senders: number,
  workers: number,
): Share[] {
  const count = Math.max(1, Math.min(workers, accounts.length));
  const shares: Share[] = [];
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const size = Math.floor(accounts.length / count) + (i < accounts.length % count ? 1 : 0);
    shares.push({
      accounts: accounts.slice(offset, offset + size),
      senders: Math.max(0, Math.min(size, senders - offset)),
    });
    offset += size;
  }
  return shares;
}

export async function runStorm(
  plan: StormPlan,
  progress: ProgressBar,
  options: StormOptions = {},
): Promise<StormResult> {
  const shares = plan.shares;
  const total = shares.reduce((n, share) => n + share.accounts.length, 0);
  const pool = new WorkerPool(
    options.workerPath ?? fileURLToPath(new URL('./load-worker.ts', import.meta.url)),
    shares.length,
  );
  try {
    progress.line(
      `Connecting ${total} participants in ${shares.length} worker process${shares.length === 1 ? '' : 'es'}…`,
    );
    shares.forEach((share, i) =>
      pool.send(i, {
        type: 'start',
        server: plan.server,
        meetingId: plan.meetingId,
        ...share,
        joinTimeoutMs: plan.joinTimeoutMs,
        churners: plan.churn?.churners[i] ?? [],
        ...(plan.othersReceive === false ? { othersReceive: false } : {}),
        ...(plan.mediaAfterConvergence === true ? { mediaAfterConvergence: true } : {}),
        ...(plan.turnsFromStart === true ? { turnsFromStart: true } : {}),
      }),
    );
    await pool.collect('ready');
    const convergedMs = await pool.storm(
      plan.joinTimeoutMs,
      (done) => progress.update('joining', done, total),
      (standing) => progress.line(standing),
    );
    progress.finish();
    progress.line(
      convergedMs === null
        ? 'The participants did not converge on one epoch in time.'
        : `Converged in ${(convergedMs / 1000).toFixed(1)} s${plan.settleMs === undefined ? `; media for ${plan.durationMs / 1000} s…` : ''}`,
    );
    const settled =
      plan.settleMs === undefined || convergedMs === null
        ? null
        : await pool.settle(plan.settleMs, plan.joinTimeoutMs, convergedMs);
    if (settled !== null)
      progress.line(
        settled.ms === null
          ? `The meeting did not stay on one epoch for ${plan.settleMs! / 1000} s in time; media for ${plan.durationMs / 1000} s anyway…`
          : `Settled: one epoch for ${plan.settleMs! / 1000} s from ${(settled.ms / 1000).toFixed(1)} s (${settled.rekeys} rekey${settled.rekeys === 1 ? '' : 's'} after converging); media for ${plan.durationMs / 1000} s…`,
      );
    const removals = plan.removals;
    shares.forEach((_, i) =>
      pool.send(i, {
        type: 'measure',
        durationMs: plan.durationMs,
        churn: plan.churn?.events[i] ?? [],
        leavers: plan.churn?.leavers ?? removals?.steps.map((s) => s.userId) ?? [],
        stepped: removals !== undefined,
      }),
    );
    if (removals !== undefined) {
      await sleep(plan.durationMs);
      await pool.depart(removals, plan.joinTimeoutMs, (done) =>
        progress.update('removals', done, removals.steps.length),
      );
      progress.finish();
    }
    const reports = await pool.collect('report');
    pool.broadcast({ type: 'leave' });
    await pool.exited(options.leaveTimeoutMs ?? 60_000);
    return {
      reports: reports.flatMap((r) => r.reports),
      windows: reports.flatMap((r) => r.windows),
      left: reports.flatMap((r) => r.left),
      epochs: reports[0]?.epochs ?? { start: null, end: null },
      cutoffs: {
        leaves: reports.flatMap((r) => r.cutoffs.leaves),
        senders: reports.flatMap((r) => r.cutoffs.senders),
      },
      excludedPauses: reports.map((r) => r.excludedPauses).reduce(addPauses, NO_PAUSES),
      clientMemory: clientMemory(reports.map((r) => r.memory)),
      convergedMs,
      settled,
    };
  } finally {
    await pool.close();
  }
}

type Collected = Extract<WorkerMessage, { type: 'ready' | 'report' }>;

class WorkerPool {
  readonly #children: ChildProcess[];
  readonly #statuses: (WorkerStatus | undefined)[];
  readonly #received = new Map<Collected['type'], (Collected | undefined)[]>();
  #onMessage: (() => void) | undefined;
  /** When the storm's `go` went out. */
  #began = 0;
  #leaving = false;
  #closing = false;
  #failure: CliError | undefined;
  #onFailure: ((error: CliError) => void) | undefined;

  constructor(workerPath: string, count: number) {
    this.#statuses = Array.from({ length: count }, () => undefined);
    this.#children = Array.from({ length: count }, (_, i) => this.#fork(workerPath, i, count));
  }

  send(index: number, message: ParentMessage): void {
    this.#children[index]?.send(message);
  }

  broadcast(message: ParentMessage): void {
    for (const child of this.#children) child.send(message);
  }

  /** One message of this type from every worker, in worker order. */
  collect<T extends Collected['type']>(type: T): Promise<Extract<Collected, { type: T }>[]> {
    return this.#until(() => {
      const got = this.#received.get(type) ?? [];
      if (got.filter((m) => m !== undefined).length < this.#children.length) return undefined;
      return got as Extract<Collected, { type: T }>[];
    });
  }

  /**
   * Starts the storm in every worker at once; resolves with how long it took to converge.
   * `onJoins`: how many joins ended; `onStanding`: every half minute while it changes, why those
   * not in are not, and where the joined are (describeStanding) — a long run that stalls says why.
   */
  async storm(
    joinTimeoutMs: number,
    onJoins: (done: number) => void,
    onStanding: (text: string) => void = () => undefined,
  ): Promise<number | null> {
    this.broadcast({ type: 'go' });
    const began = Date.now();
    this.#began = began;
    let standing = { text: '', at: began };
    let done = -1;
    let deadline = began + 2 * joinTimeoutMs;
    let settled = false;
    const timer = setInterval(() => this.#onMessage?.(), 100);
    try {
      return await this.#until(() => {
        const count = tally(this.#statuses);
        if (count.joined + count.failed !== done) {
          done = count.joined + count.failed;
          onJoins(done);
        }
        if (judgeConvergence(this.#statuses)) return { ms: Date.now() - began };
        if (Date.now() - standing.at >= STANDING_EVERY_MS) {
          const text = describeStanding(this.#statuses);
          if (text !== standing.text && text !== '') onStanding(text);
          standing = { text, at: Date.now() };
        }
        if (!settled && this.#statuses.every((s) => s !== undefined && s.joining === 0)) {
          // Every join has ended: convergence gets the join timeout once more.
          settled = true;
          deadline = Math.min(deadline, Date.now() + joinTimeoutMs);
        }
        return Date.now() >= deadline ? { ms: null } : undefined;
      }).then((r) => r.ms);
    } finally {
      clearInterval(timer);
    }
  }

  /**
   * Waits until the workers agree on one key and keep it, with no MLS step in hand, for `quietMs`:
   * whenever the key changes (a commit), the agreement breaks or a worker has MLS work, the wait
   * starts again, for at most `timeoutMs` in all.
   * `convergedMs`: when the storm converged, the answer if nothing moves.
   */
  async settle(quietMs: number, timeoutMs: number, convergedMs: number): Promise<Settled> {
    const first = convergedKey(this.#statuses);
    let held = { key: first, since: Date.now(), ms: convergedMs };
    let lastAgreed = first;
    const deadline = Date.now() + timeoutMs;
    const timer = setInterval(() => this.#onMessage?.(), 100);
    try {
      const ms = await this.#until(() => {
        const key = convergedKey(this.#statuses);
        lastAgreed = key ?? lastAgreed;
        // A commit received and not processed yet leaves the epochs as they were: MLS work in
        // hand anywhere is no quiet either.
        const busy = this.#statuses.some((s) => (s?.mlsSteps ?? 0) > 0);
        if (key === undefined || held.key === undefined || !sameKey(key, held.key))
          held = { key, since: Date.now(), ms: Date.now() - this.#began };
        else if (busy) held = { ...held, since: Date.now() };
        else if (Date.now() - held.since >= quietMs) return { ms: held.ms };
        return Date.now() >= deadline ? { ms: null } : undefined;
      }).then((r) => r.ms);
      const rekeys =
        first?.epoch == null || lastAgreed?.epoch == null
          ? 0
          : Number(BigInt(lastAgreed.epoch) - BigInt(first.epoch));
      return { ms, rekeys };
    } finally {
      clearInterval(timer);
    }
  }

  /**
   * --removals: each departure in turn, sent to every worker, then awaited until the meeting has
   * settled on a later epoch (every joined participant in every worker on it, with a roster of
   * exactly them) — or `stepTimeoutMs` passed — and media flowed a moment under it.
   */
  async depart(
    plan: RemovalPlan,
    stepTimeoutMs: number,
    onStep: (done: number) => void,
  ): Promise<void> {
    const timer = setInterval(() => this.#onMessage?.(), 100);
    try {
      for (const [k, step] of plan.steps.entries()) {
        const before = convergedKey(this.#statuses)?.epoch ?? null;
        this.broadcast({ type: 'depart', ...step, by: plan.organizer });
        const deadline = Date.now() + stepTimeoutMs;
        await this.#until(() => {
          const epoch = convergedKey(this.#statuses)?.epoch ?? null;
          if (epoch !== null && (before === null || BigInt(epoch) > BigInt(before))) return true;
          return Date.now() >= deadline ? false : undefined;
        });
        onStep(k + 1);
        await sleep(STEP_GAP_MS);
      }
    } finally {
      clearInterval(timer);
    }
    this.broadcast({ type: 'finish' });
  }

  /** Waits until every worker has exited on its own; after `timeoutMs`, stops waiting. */
  async exited(timeoutMs: number): Promise<void> {
    this.#leaving = true;
    const timeout = new Promise<'timeout'>((resolve) => {
      const timer = setTimeout(() => resolve('timeout'), timeoutMs);
      timer.unref();
    });
    await Promise.race([
      this.#until(() => (this.#children.every(hasExited) ? true : undefined)),
      timeout,
    ]);
  }

  /** Kills every worker still running and waits until they are gone. Idempotent. */
  async close(): Promise<void> {
    this.#closing = true;
    await Promise.all(
      this.#children
        .filter((child) => !hasExited(child))
        .map((child) => {
          const gone = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGKILL');
          return gone;
        }),
    );
  }

  /** Re-checks `ready` on every worker message until it answers; rejects if a worker fails. */
  #until<T>(ready: () => T | undefined): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const failure = this.#failure;
        if (failure !== undefined) return finish(() => reject(failure));
        const value = ready();
        if (value !== undefined) finish(() => resolve(value));
      };
      const finish = (settle: () => void) => {
        this.#onMessage = undefined;
        this.#onFailure = undefined;
        settle();
      };
      this.#onMessage = check;
      this.#onFailure = (error) => finish(() => reject(error));
      check();
    });
  }

  #fork(workerPath: string, index: number, count: number): ChildProcess {
    const child = fork(workerPath, [], {
      execArgv: [
        '--import',
        import.meta.resolve('tsx'),
        `--max-old-space-size=${heapMbPerWorker(count)}`,
      ],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    const name =
      count === 1 ? 'the participant worker' : `participant worker ${index + 1} of ${count}`;
    let stderr = '';
    child.stderr
      ?.setEncoding('utf8')
      .on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4_000)));
    child.on('message', (message: WorkerMessage) => {
      switch (message.type) {
        case 'status':
          this.#statuses[index] = message.status;
          break;
        case 'ready':
        case 'report': {
          const got = this.#received.get(message.type) ?? [];
          got[index] = message;
          this.#received.set(message.type, got);
          break;
        }
        case 'error':
          this.#fail(`${name} failed: ${message.message}`);
          return;
      }
      this.#onMessage?.();
    });
    child.on('error', (error) => this.#fail(`${name} could not run: ${error.message}`));
    child.on('exit', (code, signal) => {
      if (this.#closing) return;
      if (this.#leaving && code === 0) {
        this.#onMessage?.();
        return;
      }
      const tail = stderr.trim().split('\n').slice(-3).join(' / ');
      this.#fail(
        `${name} exited (${code ?? signal ?? 'unknown'})${tail === '' ? '' : `: ${tail}`}`,
      );
    });
    return child;
  }

  #fail(message: string): void {
    if (this.#failure !== undefined) return;
    const others = this.#children.length > 1 ? ' (the other workers were stopped)' : '';
    this.#failure = new CliError('failed', `${message}${others}`);
    this.#onFailure?.(this.#failure);
    void this.close();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}
