// `conclave load`: provision N participants on a server (remote, or one started in this process),
// run them in worker processes as one meeting, and summarise: admissions, join latency,
// convergence on one security code, frames by outcome, and the server's CPU and memory.
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from '../api/client.ts';
import type { SignInResponse } from '../api/types.ts';
import { CliError } from '../errors.ts';
import { addWindows, planChurn, rekeyLoss, type RekeyLoss } from './churn.ts';
import type { LoadAccount } from './load-protocol.ts';
import type { ClientMemory } from './client-memory.ts';
import type { ExcludedPauses } from './heap-pauses.ts';
import { JOIN_STAGE_TEXT, joinStage, type JoinStage } from './join-stage.ts';
import {
  runStorm,
  splitAccounts,
  type Settled,
  type Share,
  type StormResult,
} from './load-workers.ts';
import type { ParticipantReport } from './participant.ts';
import type { ProgressBar } from './progress-bar.ts';
import { criticalPaths, type CriticalPath } from './critical-path.ts';
import { distribution, type Distribution } from './distribution.ts';
import { provisionLoad } from './provision.ts';
import {
  removalCriticalPaths,
  removalCutoffs,
  type RemovalCriticalPath,
} from './removal-cutoff.ts';
import { planRemovals } from './removals.ts';

export { distribution, type Distribution } from './distribution.ts';

/**
 * Meetings larger than this (the default E2EE cap) run with MLS turns from the start
 * (mls-turns.ts): a worker holding hundreds of members of such a meeting would otherwise keep its
 * sockets unread for longer than the server waits for a sign of life.
 */
export const TURNS_FROM_START_ABOVE = 200;

/** LoadOptions.settleMs: longer than a committer takes to send a commit asked for at once. */
export const DEFAULT_SETTLE_MS = 20_000;

export interface LoadOptions {
  readonly participants: number;
  readonly e2ee: boolean;
  readonly durationMs: number;
  readonly senders: number;
  /** Worker processes the participants are split over; default: `defaultWorkers(…)`. */
  readonly workers?: number;
  /** An admin session on a remote server; undefined: start a server in this process. */
  readonly remote?: ApiClient;
  /**
   * The nodes of a cluster the participants connect to, in turn (participant i to node i mod n);
   * default: all to the admin's server.
   */
  readonly servers?: readonly string[];
  /** This many join and this many (never a sender) leave while media flows; default 0. */
  readonly churn?: number;
  /**
   * After `durationMs` of media, this many (never a sender) depart one after another — by turns
   * they leave or the organizer removes them — each once the meeting settled; default 0.
   */
  readonly removals?: number;
  /**
   * False: only the senders take media; everyone else runs the full MLS member role but
   * subscribes to no media (the removal cut-off bench: what it measures is the senders', and
   * 196 devices decrypting four streams on this machine's two cores would be its own noise).
   * Default true.
   */
  readonly othersReceive?: boolean;
  /**
   * True: the senders start their media once everyone agrees on one epoch, not as they join.
   * On one machine, four streams decrypted by every member of a 1,000-person storm take the
   * cores the members' MLS work needs (the 1,000-person bench); a real member's device is its
   * own. The frames lost to rekeying during the storm are then not measured. Default false.
   */
  readonly mediaAfterConvergence?: boolean;
  /**
   * With `mediaAfterConvergence`: the meeting must then stay on one epoch this long, with no MLS
   * work in hand in any worker, before media starts; a commit meanwhile is awaited to the next
   * agreement — at 1,000 on shared cores a commit takes minutes to reach the last member, and
   * media measured across it measures the machine, not the meeting. Default `DEFAULT_SETTLE_MS`.
   */
  readonly settleMs?: number;
  readonly progress: ProgressBar;
}

export interface LoadReport {
  readonly participants: number;
  /** The worker processes the participants ran in. */
  readonly workers: number;
  readonly admitted: number;
  /** Admitted participants that decrypted at least one frame. */
  readonly decrypting: number;
  readonly e2ee: boolean;
  /** E2EE: every admitted participant shows the same security code (null in standard meetings). */
  readonly securityCodesAgree: boolean | null;
  readonly securityCode: string | null;
  /** The epochs participants ended at (E2EE: MLS epochs; standard: media-key epochs). */
  readonly epochs: { readonly min: number | null; readonly max: number | null };
  /** From the join request to the first decrypted frame. */
  readonly joinMs: Distribution;
  /** From the join request to keys in place. */
  readonly keysMs: Distribution;
  /**
   * E2EE: each join's critical path, from what each party measured around its own work (batching
   * wait + commit + Welcome + first frame): what one person waits when every device is its own.
   */
  readonly criticalPathMs: CriticalPath;
  /** From the start of the join storm until all agreed on one epoch, code and roster. */
  readonly convergedMs: number | null;
  /**
   * With `mediaAfterConvergence`: from the start of the storm until the agreement that held for
   * `settleMs` (null: none did in time), and the epochs moved after converging; else null.
   */
  readonly settled: Settled | null;
  readonly frames: {
    readonly sent: number;
    /** Frames the relay refused (not the sender's stream or relay id); none in a healthy run. */
    readonly refused: number;
    readonly received: number;
    readonly decrypted: number;
    readonly dropped: number;
    readonly droppedByReason: Record<string, number>;
  };
  /** The epochs the meeting moved through while media flowed (joins, leaves, updates). */
  readonly rekeys: number | null;
  /** Frames while media flowed only (after the storm): the steady state. */
  readonly window: {
    readonly received: number;
    readonly decrypted: number;
    readonly dropped: number;
    readonly droppedByReason: Record<string, number>;
  };
  /** Frames of that window lost because keys were not in place (docs/media.md). */
  readonly lostToRekeying: RekeyLoss;
  /**
   * --churn leaves and --removals: for each departure, from the request (leave, or the organizer's
   * removal) until every media sender sent its first frame under an epoch without them (keys they
   * cannot derive); `measured` of `leaves` (departures) had a figure.
   */
  readonly removalCutoffMs: Distribution & { readonly measured: number; readonly leaves: number };
  /**
   * E2EE departures' critical path, each device its own: the server's wait from taking them out
   * to asking for the commit + the commit + the slowest member's processing + a frame interval.
   */
  readonly removalCriticalPathMs: RemovalCriticalPath;
  /**
   * Full collections of the participant workers' shared heaps, taken out of the MLS steps they
   * timed for the critical paths: a device of its own holds one member's state, not two hundred
   * (heap-pauses.ts).
   */
  readonly excludedHeapPauses: ExcludedPauses;
  /** The participant workers' peak memory, together and per participant (client-memory.ts). */
  readonly clientMemory: ClientMemory;
  /** --removals: the departures asked for, by kind. */
  readonly removals: {
    readonly asked: number;
    readonly leaves: number;
    readonly removedByOrganizer: number;
  };
  /** --churn: joins and leaves made while media flowed, and how many of the joiners got in. */
  readonly churn: {
    readonly joins: number;
    readonly leaves: number;
    readonly joinsAdmitted: number;
  };
  readonly media: { readonly senders: number; readonly description: string };
  readonly server: ServerFigures;
  readonly durationSeconds: number;
  /** Everyone not admitted: why, or where their join stood when the run ended (join-stage.ts). */
  readonly failures: readonly {
    readonly userId: string;
    readonly error: string;
    readonly stage: JoinStage;
  }[];
}

export type ServerFigures =
  | {
      readonly source: 'in-process';
      readonly note: string;
      readonly cpuMs: number;
      readonly cpuPercentOfOneCore: number;
      readonly rssMb: number;
      readonly heapUsedMb: number;
    }
  | { readonly source: 'remote'; readonly note: string };

/** A process per 25 participants, at most one per core. */
/**
 * One worker per 25 participants, up to the cores left for them: all of them against a remote
 * server, one fewer when the server runs in this process. (Measured on 2 cores with the server
 * here: a second worker made storms slower, the server and both workers fighting for two cores.)
 */
export function defaultWorkers(participants: number, serverInProcess: boolean): number {
  const cores = Math.max(1, availableParallelism() - (serverInProcess ? 1 : 0));
  return Math.max(1, Math.min(cores, Math.ceil(participants / 25)));
}

export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const workers =
    options.workers ?? defaultWorkers(options.participants, options.remote === undefined);
  if (!Number.isInteger(workers) || workers < 1)
    throw new CliError('usage', 'the number of worker processes must be a whole number from 1');
  const local = options.remote === undefined ? await startLocalServer() : undefined;
  try {
    const admin = options.remote ?? local!.admin;
    options.progress.line(
      `Provisioning ${options.participants} users and a${options.e2ee ? 'n E2EE' : ' standard'} meeting on ${admin.server}…`,
    );
    const churn = options.churn ?? 0;
    const everyone = options.participants + churn;
    const provisioned = await provisionLoad(admin, {
      participants: everyone,
      e2ee: options.e2ee,
      onProgress: (done) => options.progress.update('provisioning', done, everyone),
    });
    options.progress.finish();
    const cpuBefore = process.cpuUsage();
    const started = Date.now();
    const nodes = options.servers ?? [];
    const accounts: LoadAccount[] = provisioned.accounts.map((account, i) => {
      const server = nodes[i % Math.max(1, nodes.length)];
      return server === undefined ? account : { ...account, server };
    });
    const shares = splitAccounts(accounts.slice(0, options.participants), options.senders, workers);
    const churnPlan =
      churn === 0
        ? undefined
        : planChurn(shares, accounts.slice(options.participants), options.durationMs);
    const removals = options.removals ?? 0;
    const removalPlan = removals === 0 ? undefined : planRemovals(shares, removals);
    if (removalPlan !== undefined)
      options.progress.line(
        `After ${options.durationMs / 1000} s of media: ${removals} departure${removals === 1 ? '' : 's'} one after another (leave, organizer's removal, …)`,
      );
    if (churnPlan !== undefined)
      options.progress.line(
        `While media flows: ${churn} join${churn === 1 ? '' : 's'} and ${churn} leave${churn === 1 ? '' : 's'}, spread over ${options.durationMs / 1000} s`,
      );
    const storm = await runStorm(
      {
        server: admin.server,
        meetingId: provisioned.meetingId,
        shares,
        joinTimeoutMs: Math.max(60_000, options.participants * 2_000),
        durationMs: options.durationMs,
        ...(churnPlan === undefined ? {} : { churn: churnPlan }),
        ...(removalPlan === undefined ? {} : { removals: removalPlan }),
        ...(options.othersReceive === false ? { othersReceive: false } : {}),
        ...(options.mediaAfterConvergence === true
          ? { mediaAfterConvergence: true, settleMs: options.settleMs ?? DEFAULT_SETTLE_MS }
          : {}),
        ...(options.participants > TURNS_FROM_START_ABOVE ? { turnsFromStart: true } : {}),
      },
      options.progress,
    );
    const elapsedMs = Date.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const memory = process.memoryUsage();
    const server: ServerFigures =
      local === undefined
        ? {
            source: 'remote',
            note: 'not measured: the server exposes no metrics endpoint (GET /healthz answers only { ok })',
          }
        : {
            source: 'in-process',
            note: `process.cpuUsage()/memoryUsage() of this process, which runs the server; the participants run in ${workerProcesses(shares.length)} of their own`,
            cpuMs: Math.round((cpu.user + cpu.system) / 1000),
            cpuPercentOfOneCore:
              Math.round(((cpu.user + cpu.system) / 1000 / elapsedMs) * 1000) / 10,
            rssMb: Math.round(memory.rss / 2 ** 20),
            heapUsedMb: Math.round(memory.heapUsed / 2 ** 20),
          };
    const churners = shares.flatMap((share, i) => [
      ...share.accounts.map(() => false),
      ...(churnPlan?.churners[i] ?? []).map(() => true),
    ]);
    return summarise(options, shares, storm, churners, server);
  } finally {
    await local?.stop();
  }
}

async function startLocalServer(): Promise<{ admin: ApiClient; stop: () => Promise<void> }> {
  const { startServer } = await import('@conclave/server');
  const dataDir = await mkdtemp(join(tmpdir(), 'conclave-load-'));
  const running = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    log: () => undefined,
    // Password hashing is not what a load run measures.
    passwordCost: { N: 1024, r: 8, p: 1 },
    signInLimits: {
      perIp: { limit: 100_000, windowMs: 60_000 },
      perEmail: { limit: 100, windowMs: 60_000 },
    },
  });
  const stop = async () => {
    await running.close();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const first = running.firstAdmin;
    if (first === undefined)
      throw new CliError('failed', 'the in-process server did not create its first admin');
    const session = await new ApiClient({ server: running.url }).post<SignInResponse>(
      '/api/auth/sign-in',
      first,
    );
    return { admin: new ApiClient({ server: running.url, token: session.token }), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function summarise(
  options: LoadOptions,
  shares: readonly Share[],
  storm: StormResult,
  churners: readonly boolean[],
  server: ServerFigures,
): LoadReport {
  const { reports, convergedMs } = storm;
  const admitted = reports.filter((r, i) => r.joined && !churners[i]);
  // Whoever is still in the meeting at the end: they must agree on one code and epoch.
  const present = reports.filter((r, i) => r.joined && !storm.left[i]);
  const codes = new Set(present.map((r) => r.securityCode));
  const epochs = present.flatMap((r) => (r.epoch === undefined ? [] : [Number(r.epoch)]));
  const { start, end } = storm.epochs;
  const rekeys = start === null || end === null ? null : Number(end) - Number(start);
  const window = addWindows(storm.windows);
  const departures = storm.cutoffs.leaves;
  const cutoffs = removalCutoffs(departures, storm.cutoffs.senders);
  const droppedByReason: Record<string, number> = {};
  for (const r of reports) {
    for (const [reason, n] of Object.entries(r.frames.dropped))
      droppedByReason[reason] = (droppedByReason[reason] ?? 0) + (n ?? 0);
  }
  const sum = (f: (r: ParticipantReport) => number) =>
    reports.reduce((total, r) => total + f(r), 0);
  const senders = Math.min(options.senders, options.participants);
  return {
    participants: options.participants,
    workers: shares.length,
    admitted: admitted.length,
    decrypting: admitted.filter((r) => r.frames.decrypted > 0).length,
    e2ee: options.e2ee,
    securityCodesAgree: options.e2ee
      ? present.length > 0 && codes.size === 1 && !codes.has(undefined)
      : null,
    securityCode: options.e2ee && codes.size === 1 ? (present[0]?.securityCode ?? null) : null,
    epochs: {
      min: epochs.length === 0 ? null : Math.min(...epochs),
      max: epochs.length === 0 ? null : Math.max(...epochs),
    },
    joinMs: distribution(
      admitted.flatMap((r) => (r.firstFrameMs === undefined ? [] : [r.firstFrameMs])),
    ),
    keysMs: distribution(admitted.flatMap((r) => (r.joinedMs === undefined ? [] : [r.joinedMs]))),
    criticalPathMs: criticalPaths(reports),
    convergedMs,
    settled: storm.settled,
    frames: {
      sent: sum((r) => r.frames.sent),
      refused: sum((r) => Object.values(r.frames.refused).reduce((n, m) => n + (m ?? 0), 0)),
      received: sum((r) => r.frames.received),
      decrypted: sum((r) => r.frames.decrypted),
      dropped: sum((r) => r.frames.droppedTotal),
      droppedByReason,
    },
    rekeys,
    window: {
      received: window.received,
      decrypted: window.decrypted,
      dropped: Object.values(window.dropped).reduce((n, m) => n + m, 0),
      droppedByReason: window.dropped,
    },
    lostToRekeying: rekeyLoss(window, rekeys ?? 0),
    removalCutoffMs: {
      ...distribution(cutoffs.flatMap((ms) => (ms === undefined ? [] : [ms]))),
      measured: cutoffs.filter((ms) => ms !== undefined).length,
      leaves: cutoffs.length,
    },
    removalCriticalPathMs: removalCriticalPaths(departures, storm.cutoffs.senders, reports),
    excludedHeapPauses: storm.excludedPauses,
    clientMemory: storm.clientMemory,
    removals: {
      asked: options.removals ?? 0,
      leaves: departures.filter((d) => d.kind === 'leave').length,
      removedByOrganizer: departures.filter((d) => d.kind === 'remove').length,
    },
    churn: {
      joins: churners.filter(Boolean).length,
      leaves: (options.churn ?? 0) === 0 ? 0 : storm.left.filter(Boolean).length,
      joinsAdmitted: reports.filter((r, i) => churners[i] && r.joined).length,
    },
    media: {
      senders,
      description: describeMedia(options.participants, senders, shares, options),
    },
    server,
    durationSeconds: options.durationMs / 1000,
    failures: reports
      .filter((r) => !r.joined)
      .map((r) => {
        const stage = joinStage(r);
        return { userId: r.userId, error: r.error ?? JOIN_STAGE_TEXT[stage], stage };
      }),
  };
}

type MediaChoices = Pick<LoadOptions, 'othersReceive' | 'mediaAfterConvergence'>;

/** Who sends what, and where the participants ran: senders are the first accounts, so with
 *  several workers they sit in the first ones, which do all the media encryption. */
function describeMedia(
  participants: number,
  senders: number,
  shares: readonly Share[],
  { othersReceive = true, mediaAfterConvergence = false }: MediaChoices = {},
): string {
  const sending = shares.flatMap((share, i) => (share.senders > 0 ? [i + 1] : []));
  const where =
    shares.length === 1
      ? `in ${workerProcesses(1)}`
      : `spread over ${workerProcesses(shares.length)}` +
        (sending.length === 0 || sending.length === shares.length
          ? ''
          : ` (the senders in worker${sending.length === 1 ? '' : 's'} ${sending.join(', ')})`);
  const when = mediaAfterConvergence
    ? "; the senders start once everyone agrees on one epoch and it held for the settle time (so join latency includes that wait; keys in place is each join's own)"
    : '';
  return senders === participants
    ? `all ${senders} participants send audio (50 frames/s) and video (30 frames/s) and receive, ${where}${when}`
    : `lighter mode: ${senders} of ${participants} participants send audio (50 frames/s) and video (30 frames/s); ${othersReceive ? 'all receive' : 'only they receive (the others take no media)'} and all run the full MLS member role, ${where}${when}`;
}

function workerProcesses(count: number): string {
  return count === 1 ? 'one worker process' : `${count} worker processes`;
}
