// `conclave load --participants N`: N headless participants in one meeting — against a server
// started in this process (self-contained), or a running one with `--server` (needs an admin
// sign-in), the participants split over worker processes to use every core — then join latency,
// convergence on one security code, frames by outcome, and the server's CPU and memory. With
// --churn, people join and leave while media flows, and the report says what rekeying cost.
import { availableParallelism } from 'node:os';
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { connect } from '../api/session.ts';
import { CliError } from '../errors.ts';
import type { ExcludedPauses } from '../headless/heap-pauses.ts';
import { countByStage } from '../headless/join-stage.ts';
import {
  DEFAULT_SETTLE_MS,
  runLoad,
  type Distribution,
  type LoadReport,
} from '../headless/load-runner.ts';
import { ProgressBar } from '../headless/progress-bar.ts';
import { formatDrops } from '../headless/report.ts';
import { seconds } from '../headless/timing.ts';
import { printLines } from '../output/print.ts';
import { example, withJson } from './define.ts';

interface LoadFlags {
  participants: number;
  e2ee?: boolean;
  duration: number;
  senders?: number;
  workers?: number;
  server?: string;
  servers?: string[];
  churn?: number;
  removals?: number;
  quietReceivers?: boolean;
  mediaAfterConvergence?: boolean;
  settle?: number;
  json?: boolean;
}

/** Above this many participants, only a few send media unless `--senders` says otherwise. */
const ALL_SEND_UP_TO = 8;
const DEFAULT_SENDERS = 4;
const MAX_WORKERS = 64;

export function registerLoadCommand(program: Command): void {
  const command = withJson(
    program
      .command('load')
      .description(
        'run N headless participants in one meeting and report latency, convergence, frames and server load',
      )
      .requiredOption('--participants <n>', 'how many participants (1-1000)', participantCount)
      .option(
        '--e2ee',
        'an end-to-end encrypted meeting (MLS + SFrame); default: standard encryption',
      )
      .option('--duration <seconds>', 'how long media flows once everyone is in', seconds, 10)
      .option(
        '--senders <n>',
        `how many participants send media (default: all up to ${ALL_SEND_UP_TO}, else ${DEFAULT_SENDERS})`,
        participantCount,
      )
      .option(
        '--workers <n>',
        `how many processes run the participants, so their MLS work uses every core (default: one per 25 participants, at most one per core — one core fewer when the server runs in this process; ${availableParallelism()} cores here)`,
        workerCount,
      )
      .option(
        '--churn <n>',
        'while media flows, n more participants join and n leave (never a sender), spread over --duration; the report then says how many frames rekeying cost',
        churnCount,
      )
      .option(
        '--removals <n>',
        'E2EE: after --duration of media, n participants (never a sender) depart one after another, by turns leaving and removed by the organizer; the report then gives the removal cut-off and its critical path',
        churnCount,
      )
      .option(
        '--quiet-receivers',
        "only the senders take media; the others run the full MLS member role but subscribe to none (a removal cut-off run measures the senders', and on shared cores the others' decrypting is noise)",
      )
      .option(
        '--media-after-convergence',
        'the senders start their media once everyone agrees on one epoch, not as they join (a very large storm on one machine: every member decrypting media takes the cores the MLS work needs; the frames lost to rekeying during the storm are then not measured)',
      )
      .option(
        '--settle <seconds>',
        `with --media-after-convergence: the meeting must stay on one epoch this long, with no MLS work in hand in any worker, before media starts; a commit meanwhile (a periodic update, a departure) is awaited to the next agreement (default ${DEFAULT_SETTLE_MS / 1000})`,
        seconds,
      )
      .option(
        '--server <url>',
        'use this running server (needs an admin sign-in); default: start one in this process',
      )
      .option(
        '--servers <urls>',
        'the nodes of a cluster, comma-separated: participants connect to each in turn (needs an admin sign-in on the first)',
        serverList,
      ),
  ).action(loadAction);
  example(
    command,
    'conclave load --participants 8 --e2ee --duration 3 --json',
    'conclave load --participants 50 --e2ee --senders 4',
    'conclave load --participants 200 --e2ee --workers 2',
    'conclave load --participants 50 --e2ee --churn 20 --duration 60',
    'conclave load --participants 200 --e2ee --removals 20 --duration 5 --quiet-receivers',
    'conclave load --participants 1000 --e2ee --servers https://a.example,https://b.example --workers 4 --media-after-convergence',
  );
}

async function loadAction(flags: LoadFlags): Promise<void> {
  if (flags.server !== undefined && flags.servers !== undefined)
    throw new CliError('usage', 'give --server or --servers, not both');
  const server = flags.server ?? flags.servers?.[0];
  const remote = server === undefined ? undefined : (await connect({ server })).api;
  const senders =
    flags.senders ?? (flags.participants <= ALL_SEND_UP_TO ? flags.participants : DEFAULT_SENDERS);
  const churn = flags.churn ?? 0;
  const removals = flags.removals ?? 0;
  checkRemovals(removals, churn, flags, Math.min(senders, flags.participants));
  checkChurn(churn, flags, Math.min(senders, flags.participants));
  if (flags.settle !== undefined && flags.mediaAfterConvergence !== true)
    throw new CliError('usage', '--settle applies with --media-after-convergence only');
  const progress = new ProgressBar(
    process.stderr,
    flags.json !== true || process.stderr.isTTY === true,
  );
  const report = await runLoad({
    participants: flags.participants,
    e2ee: flags.e2ee === true,
    durationMs: flags.duration * 1000,
    senders,
    ...(flags.workers === undefined ? {} : { workers: flags.workers }),
    ...(remote === undefined ? {} : { remote }),
    ...(flags.servers === undefined ? {} : { servers: flags.servers }),
    churn,
    removals,
    ...(flags.quietReceivers === true ? { othersReceive: false } : {}),
    ...(flags.mediaAfterConvergence === true ? { mediaAfterConvergence: true } : {}),
    ...(flags.settle === undefined ? {} : { settleMs: flags.settle * 1000 }),
    progress,
  });
  progress.finish();
  // With --json the last stdout line is the one result object.
  if (flags.json === true) process.stdout.write(`${JSON.stringify(report)}\n`);
  else printLines(formatLoad(report));
  // Someone left out — at the start or while churning — or codes that disagree: the run failed.
  if (
    report.admitted < report.participants ||
    report.churn.joinsAdmitted < report.churn.joins ||
    report.securityCodesAgree === false
  )
    process.exitCode = 1;
}

function participantCount(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < 1 || parsed > 1000)
    throw new InvalidArgumentError('expected a whole number from 1 to 1000.');
  return parsed;
}

function churnCount(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed > 999)
    throw new InvalidArgumentError('expected a whole number from 0 to 999.');
  return parsed;
}

/** Leavers are participants who do not send; each change gets half a second at least. */
function checkChurn(churn: number, flags: LoadFlags, senders: number): void {
  if (churn === 0) return;
  if (flags.participants + churn > 1000)
    throw new CliError('usage', '--participants and --churn together may be at most 1000.');
  if (churn > flags.participants - senders)
    throw new CliError(
      'usage',
      `--churn ${churn} needs ${churn} participants who send no media to leave; there are ${flags.participants - senders} (lower --senders or --churn).`,
    );
  if (flags.duration < churn)
    throw new CliError(
      'usage',
      `--churn ${churn} makes ${2 * churn} joins and leaves; give --duration at least ${churn} s (half a second each).`,
    );
}

/** Departures are of participants who do not send (nor the organizer, the first one). */
function checkRemovals(removals: number, churn: number, flags: LoadFlags, senders: number): void {
  if (removals === 0) return;
  if (flags.e2ee !== true)
    throw new CliError('usage', '--removals measures the E2EE removal cut-off: add --e2ee.');
  if (churn > 0) throw new CliError('usage', 'give --churn or --removals, not both.');
  const departing = flags.participants - Math.max(1, senders);
  if (removals > departing)
    throw new CliError(
      'usage',
      `--removals ${removals} needs ${removals} participants who send no media (nor organize); there are ${departing} (lower --senders or --removals).`,
    );
}

function serverList(value: string): string[] {
  const urls = value.split(',').map((url) => url.trim());
  if (urls.some((url) => !/^https?:\/\/[^\s/]+\/?$/.test(url)))
    throw new InvalidArgumentError('expected server URLs separated by commas (https://host:port).');
  return urls.map((url) => url.replace(/\/$/, ''));
}

function workerCount(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < 1 || parsed > MAX_WORKERS)
    throw new InvalidArgumentError(`expected a whole number from 1 to ${MAX_WORKERS}.`);
  return parsed;
}

const ms = (value: number | null) => (value === null ? 'n/a' : `${value} ms`);
const dist = (d: Distribution) => `p50 ${ms(d.p50)}, p95 ${ms(d.p95)}, max ${ms(d.max)}`;

function formatLoad(r: LoadReport): string[] {
  const lines = [
    `Participants: ${r.admitted} of ${r.participants} admitted (${r.e2ee ? 'end-to-end encrypted' : 'standard encryption'}), ${r.decrypting} decrypted media; ${r.workers} worker process${r.workers === 1 ? '' : 'es'}`,
    `Media: ${r.media.description}`,
    `Join latency (join request → first decrypted frame): ${dist(r.joinMs)}`,
    `Keys in place after: ${dist(r.keysMs)}`,
    `Converged: ${r.convergedMs === null ? 'no' : `in ${(r.convergedMs / 1000).toFixed(1)} s`}; epochs ${r.epochs.min ?? 'n/a'}–${r.epochs.max ?? 'n/a'}`,
  ];
  if (r.settled !== null)
    lines.push(
      r.settled.ms === null
        ? `Settled: no — the meeting did not stay on one epoch long enough before media (${r.settled.rekeys} rekeys after converging)`
        : `Settled: on one epoch from ${(r.settled.ms / 1000).toFixed(1)} s, after ${r.settled.rekeys} rekey${r.settled.rekeys === 1 ? '' : 's'} once converged; media began then`,
    );
  const path = r.criticalPathMs;
  if (r.e2ee && path.joins > 0)
    lines.push(
      `Join critical path, each device its own (batching wait + commit + Welcome + first frame): ${dist(path)} over ${path.joins} joins — p95 of the parts: ${ms(path.parts.batchingWait.p95)} + ${ms(path.parts.commit.p95)} + ${ms(path.parts.welcome.p95)} + ${ms(path.parts.firstFrame.p95)} (the server's wall-clock batching wait, shared cores: p95 ${ms(path.parts.measuredWait.p95)})`,
    );
  if (r.e2ee)
    lines.push(
      `Security codes agree: ${r.securityCodesAgree === true ? `yes (${r.securityCode})` : 'NO'}`,
    );
  const lost = r.lostToRekeying;
  const per = Object.entries(lost.perRekey)
    .map(([reason, n]) => `${reason} ${n === null ? 'n/a' : n.toFixed(1)}`)
    .join(', ');
  lines.push(
    `Rekeys while media flowed: ${r.rekeys ?? 'n/a'} in ${r.durationSeconds} s${r.churn.joins > 0 ? ` (${r.churn.joinsAdmitted} of ${r.churn.joins} joins admitted, ${r.churn.leaves} leaves)` : ''}; frames lost to rekeying: ${lost.frames} (${(lost.share * 100).toFixed(3)} % of ${r.window.received} received) — per rekey: ${per}`,
  );
  const cut = r.removalCutoffMs;
  if (cut.leaves > 0)
    lines.push(
      `Removal cut-off (a leave or removal → every sender's first frame under keys they cannot derive): ${dist(cut)} (${cut.measured} of ${cut.leaves} departures measured${r.removals.asked > 0 ? `: ${r.removals.leaves} left, ${r.removals.removedByOrganizer} removed by the organizer` : ''})`,
    );
  const cp = r.removalCriticalPathMs;
  if (cp.removals > 0)
    lines.push(
      `Removal critical path, each device its own (server wait + commit + slowest member's processing + frame): ${dist(cp)} over ${cp.removals} — p95 of the parts: ${ms(cp.parts.serverWait.p95)} + ${ms(cp.parts.commit.p95)} + ${ms(cp.parts.processing.p95)} + ${ms(cp.parts.frame.p95)} (shared cores: the server's wall-clock wait p95 ${ms(cp.parts.measuredWait.p95)}, a sender's epoch → first frame p95 ${ms(cp.parts.measuredFrame.p95)})`,
    );
  const paused = pausesLine(r.excludedHeapPauses);
  if (paused !== undefined) lines.push(paused);
  lines.push(
    `Frames: ${r.frames.sent} sent${r.frames.refused > 0 ? ` (${r.frames.refused} more refused by the relay)` : ''}, ${r.frames.received} received, ${r.frames.decrypted} decrypted, ${r.frames.dropped} dropped (${formatDrops(r.frames.droppedByReason)})`,
  );
  const m = r.clientMemory;
  lines.push(
    `Participants' memory: peak ${m.peakRssMb} MB resident over the workers, ${m.perParticipantMb} MB per participant (each worker's runtime included)`,
  );
  const s = r.server;
  lines.push(
    s.source === 'in-process'
      ? `Server (in-process): CPU ${s.cpuMs} ms (${s.cpuPercentOfOneCore}% of one core), RSS ${s.rssMb} MB, heap ${s.heapUsedMb} MB — ${s.note}`
      : `Server (remote): ${s.note}`,
  );
  if (r.failures.length > 0)
    lines.push(
      `Not admitted: ${r.failures.length} — ${[...countByStage(r.failures)].map(([stage, n]) => `${n} ${stage}`).join(', ')}`,
    );
  for (const f of r.failures) lines.push(`  not admitted: ${f.userId}: ${f.error}`);
  return lines;
}

/** The shared-heap pauses taken out of the timed steps, said beside the figures they changed. */
function pausesLine(p: ExcludedPauses): string | undefined {
  if (p.steps === 0) return undefined;
  return `Taken out of ${p.steps} timed MLS steps for the critical paths: ${Math.round(p.ms)} ms of the participant workers' full heap collections (longest ${Math.round(p.longestMs)} ms) — a device of its own holds one member's state, not all of them`;
}
