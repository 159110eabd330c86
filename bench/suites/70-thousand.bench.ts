// The 1,000-person E2EE meeting (issue 11): `conclave load`'s runner admits N participants
// (CONCLAVE_BENCH_PARTICIPANTS, default 1,000) into one E2EE meeting across three cluster nodes,
// waits for one epoch and one security code (and for it to hold 20 s with no MLS work in hand),
// and lets one sender's media (CONCLAVE_BENCH_SENDERS) flow to everyone for 60 s. Not run
// by default — only with `npm run bench -- --only thousand` — and it needs CONCLAVE_TEST_PG_URL and
// Debian's nats-server. All clients share this machine's cores with the nodes, so wall-clock
// times are an upper bound of what one person waits (see the join-storm suite's critical path).
import { existsSync, readFileSync } from 'node:fs';
import { TestCluster } from '../../packages/client/test/support/cluster.ts';
import { ApiClient } from '../../apps/cli/src/api/client.ts';
import type { SignInResponse } from '../../apps/cli/src/api/types.ts';
import { countByStage } from '../../apps/cli/src/headless/join-stage.ts';
import { runLoad } from '../../apps/cli/src/headless/load-runner.ts';
import { ProgressBar } from '../../apps/cli/src/headless/progress-bar.ts';
import type { Bench } from '../harness.ts';

export const name = 'thousand';

/** CPU time of this process's finished children (the load workers), in ms, from /proc. */
function childrenCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10; // cutime + cstime, 100 ticks a second
}

export async function run(bench: Bench): Promise<void> {
  const asked = process.argv.slice(2);
  if (asked[asked.indexOf('--only') + 1] !== 'thousand' || !asked.includes('--only')) {
    bench.progress('thousand: not run by default (npm run bench -- --only thousand)');
    return;
  }
  if (!process.env.CONCLAVE_TEST_PG_URL || !existsSync('/usr/sbin/nats-server')) {
    bench.progress('thousand: skipped (needs CONCLAVE_TEST_PG_URL and /usr/sbin/nats-server)');
    return;
  }
  const participants = Number(process.env.CONCLAVE_BENCH_PARTICIPANTS ?? '1000');
  const workers = Number(process.env.CONCLAVE_BENCH_WORKERS ?? '2');
  const cluster = await TestCluster.start(undefined, {
    CONCLAVE_TEST_SIGN_INS_PER_ADDRESS: String(participants + 100),
    // The product's commit time-outs and batching, not the tests' short ones.
    CONCLAVE_TEST_PRODUCT_TIMERS: '1',
  });
  try {
    const admin = cluster.admin;
    if (admin === undefined) throw new Error('no first admin');
    const first = cluster.nodes[0]!.url;
    const session = await new ApiClient({ server: first }).post<SignInResponse>(
      '/api/auth/sign-in',
      admin,
    );
    const api = new ApiClient({ server: first, token: session.token });
    await api.patch('/api/admin/tenant', { e2ee: { maxParticipants: Math.max(participants, 2) } });
    const nodesBefore = new Map(cluster.usage().map((u) => [u.name, u.cpuMs]));
    const workersBefore = childrenCpuMs();
    const started = Date.now();
    const report = await runLoad({
      participants,
      e2ee: true,
      durationMs: 60_000,
      // One sender's audio and video (80 frames/s) to 999 receivers is 80,000 deliveries and
      // decryptions a second on the two shared cores. Four senders (run 10 of December 6) were
      // four times that: the host node stalled past the cluster's 8 s heartbeat and was taken for
      // lost, and the workers stopped answering pings (docs/meeting-flow.md).
      senders: Number(process.env.CONCLAVE_BENCH_SENDERS ?? '1'),
      // Streams decrypted by 1,000 simulated members would take the cores their MLS work needs
      // during the storm: media flows once they agree (join p50/p95 include that wait).
      mediaAfterConvergence: true,
      workers,
      remote: api,
      servers: cluster.nodes.map((node) => node.url),
      progress: new ProgressBar(process.stderr, true),
    });
    const wallSeconds = (Date.now() - started) / 1000;
    const label = `E2EE ${participants} over 3 nodes`;
    bench.record(`${label}: admitted`, report.admitted, 'people', participants);
    // Those left out, by where their join stood at the end (join-stage.ts).
    for (const [stage, n] of countByStage(report.failures))
      bench.record(`${label}: not admitted, ${stage}`, n, 'people');
    // A sender decrypts the other senders' media: alone, it has none (one sender: 999 of 1,000).
    const withMediaToDecrypt = report.media.senders === 1 ? report.admitted - 1 : report.admitted;
    bench.record(
      `${label}: decrypting media, of those with another's to decrypt`,
      report.decrypting,
      'people',
      withMediaToDecrypt,
    );
    bench.record(`${label}: media senders`, report.media.senders, 'people');
    // Each frame sent should reach every other participant once: the baseline is what a relay
    // that shed nothing would deliver.
    bench.record(
      `${label}: frames received of sent × other participants`,
      report.frames.received,
      'frames',
      report.frames.sent * (report.admitted - 1),
    );
    bench.record(`${label}: join p50`, report.joinMs.p50 ?? -1, 'ms');
    bench.record(`${label}: join p95`, report.joinMs.p95 ?? -1, 'ms');
    bench.record(`${label}: keys in place p50`, report.keysMs.p50 ?? -1, 'ms');
    bench.record(`${label}: keys in place p95`, report.keysMs.p95 ?? -1, 'ms');
    bench.record(`${label}: converged after`, (report.convergedMs ?? -1) / 1000, 's');
    // Media began once one epoch held for the settle time: the periodic update that waited for
    // everyone goes as they agree, and media measured across it measures the shared cores.
    bench.record(`${label}: settled after`, (report.settled?.ms ?? -1) / 1000, 's');
    bench.record(
      `${label}: rekeys between converging and media`,
      report.settled?.rekeys ?? -1,
      'epochs',
    );
    bench.record(`${label}: rekeys while media flowed`, report.rekeys ?? -1, 'epochs');
    bench.record(
      `${label}: frames decrypted of received in the media window`,
      report.window.decrypted,
      'frames',
      report.window.received,
    );
    bench.record(
      `${label}: one code (1 = yes)`,
      report.securityCodesAgree === true ? 1 : 0,
      'bool',
    );
    bench.record(
      `${label}: client CPU per participant`,
      (childrenCpuMs() - workersBefore) / participants,
      'ms',
    );
    bench.record(
      `${label}: client memory per participant (peak RSS of the workers)`,
      report.clientMemory.perParticipantMb,
      'MB',
    );
    for (const node of cluster.usage()) {
      const cpu = node.cpuMs - (nodesBefore.get(node.name) ?? 0);
      bench.record(`${label}: ${node.name} CPU (% of one core)`, cpu / 10 / wallSeconds, '%');
      bench.record(`${label}: ${node.name} RSS`, node.rssMb, 'MB');
    }
  } finally {
    await cluster.close();
  }
}
