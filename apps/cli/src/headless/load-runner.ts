// `conclave load`: provision N participants on a server (remote, or one started in this process),
// run them in a worker process as one meeting, and summarise: admissions, join latency,
// convergence on one security code, frames by outcome, and the server's CPU and memory.
import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiClient } from '../api/client.ts';
import type { SignInResponse } from '../api/types.ts';
import { CliError } from '../errors.ts';
import type { StartLoad, WorkerMessage } from './load-protocol.ts';
import type { ParticipantReport } from './participant.ts';
import type { ProgressBar } from './progress-bar.ts';
import { provisionLoad } from './provision.ts';

export interface LoadOptions {
  readonly participants: number;
  readonly e2ee: boolean;
  readonly durationMs: number;
  readonly senders: number;
  /** An admin session on a remote server; undefined: start a server in this process. */
  readonly remote?: ApiClient;
  readonly progress: ProgressBar;
}

export interface Distribution {
  readonly p50: number | null;
  readonly p95: number | null;
  readonly max: number | null;
}

export interface LoadReport {
  readonly participants: number;
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
  /** From the start of the join storm until all agreed on one epoch, code and roster. */
  readonly convergedMs: number | null;
  readonly frames: {
    readonly sent: number;
    readonly received: number;
    readonly decrypted: number;
    readonly dropped: number;
    readonly droppedByReason: Record<string, number>;
  };
  readonly media: { readonly senders: number; readonly description: string };
  readonly server: ServerFigures;
  readonly durationSeconds: number;
  readonly failures: readonly { readonly userId: string; readonly error: string }[];
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

export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const local = options.remote === undefined ? await startLocalServer() : undefined;
  try {
    const admin = options.remote ?? local!.admin;
    options.progress.line(
      `Provisioning ${options.participants} users and a${options.e2ee ? 'n E2EE' : ' standard'} meeting on ${admin.server}…`,
    );
    const provisioned = await provisionLoad(admin, {
      participants: options.participants,
      e2ee: options.e2ee,
      onProgress: (done) => options.progress.update('provisioning', done, options.participants),
    });
    options.progress.finish();
    const cpuBefore = process.cpuUsage();
    const started = Date.now();
    const { reports, convergedMs } = await runWorker(
      {
        type: 'start',
        server: admin.server,
        meetingId: provisioned.meetingId,
        accounts: provisioned.accounts,
        senders: options.senders,
        durationMs: options.durationMs,
        joinTimeoutMs: Math.max(60_000, options.participants * 2_000),
      },
      options.progress,
      options.durationMs,
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
            note: 'process.cpuUsage()/memoryUsage() of this process, which runs the server; the participants run in a separate worker process',
            cpuMs: Math.round((cpu.user + cpu.system) / 1000),
            cpuPercentOfOneCore:
              Math.round(((cpu.user + cpu.system) / 1000 / elapsedMs) * 1000) / 10,
            rssMb: Math.round(memory.rss / 2 ** 20),
            heapUsedMb: Math.round(memory.heapUsed / 2 ** 20),
          };
    return summarise(options, reports, convergedMs, server);
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

function runWorker(
  start: StartLoad,
  progress: ProgressBar,
  durationMs: number,
): Promise<{ reports: readonly ParticipantReport[]; convergedMs: number | null }> {
  const worker = fileURLToPath(new URL('./load-worker.ts', import.meta.url));
  const child = fork(worker, [], {
    execArgv: ['--import', import.meta.resolve('tsx')],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr
    ?.setEncoding('utf8')
    .on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4_000)));
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (message: string) => {
      if (settled) return;
      settled = true;
      child.kill('SIGKILL');
      reject(new CliError('failed', message));
    };
    child.on('message', (message: WorkerMessage) => {
      switch (message.type) {
        case 'progress':
          progress.update('joining', message.joined + message.failed, message.total);
          return;
        case 'converged':
          progress.finish();
          progress.line(
            message.ms === null
              ? 'The participants did not converge on one epoch in time.'
              : `Converged in ${(message.ms / 1000).toFixed(1)} s; media for ${durationMs / 1000} s…`,
          );
          return;
        case 'result':
          settled = true;
          resolve({ reports: message.reports, convergedMs: message.convergedMs });
          return;
        case 'error':
          fail(`the participant worker failed: ${message.message}`);
          return;
      }
    });
    child.on('exit', (code) =>
      fail(
        `the participant worker exited (${code ?? 'signal'})${stderr === '' ? '' : `: ${stderr.trim().split('\n').slice(-3).join(' / ')}`}`,
      ),
    );
    child.send(start);
  });
}

function summarise(
  options: LoadOptions,
  reports: readonly ParticipantReport[],
  convergedMs: number | null,
  server: ServerFigures,
): LoadReport {
  const admitted = reports.filter((r) => r.joined);
  const codes = new Set(admitted.map((r) => r.securityCode));
  const epochs = admitted.flatMap((r) => (r.epoch === undefined ? [] : [Number(r.epoch)]));
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
    admitted: admitted.length,
    decrypting: admitted.filter((r) => r.frames.decrypted > 0).length,
    e2ee: options.e2ee,
    securityCodesAgree: options.e2ee
      ? admitted.length > 0 && codes.size === 1 && !codes.has(undefined)
      : null,
    securityCode: options.e2ee && codes.size === 1 ? (admitted[0]?.securityCode ?? null) : null,
    epochs: {
      min: epochs.length === 0 ? null : Math.min(...epochs),
      max: epochs.length === 0 ? null : Math.max(...epochs),
    },
    joinMs: distribution(
      admitted.flatMap((r) => (r.firstFrameMs === undefined ? [] : [r.firstFrameMs])),
    ),
    keysMs: distribution(admitted.flatMap((r) => (r.joinedMs === undefined ? [] : [r.joinedMs]))),
    convergedMs,
    frames: {
      sent: sum((r) => r.frames.sent),
      received: sum((r) => r.frames.received),
      decrypted: sum((r) => r.frames.decrypted),
      dropped: sum((r) => r.frames.droppedTotal),
      droppedByReason,
    },
    media: {
      senders,
      description:
        senders === options.participants
          ? `all ${senders} participants send audio (50 frames/s) and video (30 frames/s) and receive`
          : `lighter mode: ${senders} of ${options.participants} participants send audio (50 frames/s) and video (30 frames/s); all receive and run the full MLS member role`,
    },
    server,
    durationSeconds: options.durationMs / 1000,
    failures: reports
      .filter((r) => !r.joined)
      .map((r) => ({ userId: r.userId, error: r.error ?? 'unknown' })),
  };
}

/** Nearest-rank percentiles. */
export function distribution(values: readonly number[]): Distribution {
  if (values.length === 0) return { p50: null, p95: null, max: null };
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  return { p50: rank(50), p95: rank(95), max: sorted[sorted.length - 1]! };
}
