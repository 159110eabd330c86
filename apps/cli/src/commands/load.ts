// `conclave load --participants N`: N headless participants in one meeting — against a server
// started in this process (self-contained), or a running one with `--server` (needs an admin
// sign-in), the participants split over worker processes to use every core — then join latency,
// convergence on one security code, frames by outcome, and the server's CPU and memory.
import { availableParallelism } from 'node:os';
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { connect } from '../api/session.ts';
import { CliError } from '../errors.ts';
import { runLoad, type Distribution, type LoadReport } from '../headless/load-runner.ts';
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
    'conclave load --participants 1000 --e2ee --servers https://a.example,https://b.example --workers 2',
  );
}

async function loadAction(flags: LoadFlags): Promise<void> {
  if (flags.server !== undefined && flags.servers !== undefined)
    throw new CliError('usage', 'give --server or --servers, not both');
  const server = flags.server ?? flags.servers?.[0];
  const remote = server === undefined ? undefined : (await connect({ server })).api;
  const senders =
    flags.senders ?? (flags.participants <= ALL_SEND_UP_TO ? flags.participants : DEFAULT_SENDERS);
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
    progress,
  });
  progress.finish();
  // With --json the last stdout line is the one result object.
  if (flags.json === true) process.stdout.write(`${JSON.stringify(report)}\n`);
  else printLines(formatLoad(report));
  if (report.admitted < report.participants || report.securityCodesAgree === false)
    process.exitCode = 1;
}

function participantCount(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < 1 || parsed > 1000)
    throw new InvalidArgumentError('expected a whole number from 1 to 1000.');
  return parsed;
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
  if (r.e2ee)
    lines.push(
      `Security codes agree: ${r.securityCodesAgree === true ? `yes (${r.securityCode})` : 'NO'}`,
    );
  lines.push(
    `Frames: ${r.frames.sent} sent${r.frames.refused > 0 ? ` (${r.frames.refused} more refused by the relay)` : ''}, ${r.frames.received} received, ${r.frames.decrypted} decrypted, ${r.frames.dropped} dropped (${formatDrops(r.frames.droppedByReason)})`,
  );
  const s = r.server;
  lines.push(
    s.source === 'in-process'
      ? `Server (in-process): CPU ${s.cpuMs} ms (${s.cpuPercentOfOneCore}% of one core), RSS ${s.rssMb} MB, heap ${s.heapUsedMb} MB — ${s.note}`
      : `Server (remote): ${s.note}`,
  );
  for (const f of r.failures) lines.push(`  not admitted: ${f.userId}: ${f.error}`);
  return lines;
}
