// Join storm: N headless participants (default 200; CONCLAVE_BENCH_STORM=N to change) join one
// meeting at once on a server started in this process. The E2EE storm is measured beside a
// standard-meeting storm of the same size in the same run, so the ratio is the cost of MLS.
// Target (issue): all admitted, one epoch and one code at the end, join p95 ≤ 2 s; frames lost to
// rekeying (unknown_epoch + no_keys) ≤ 0.1 % of those received (docs/media.md).
import { runLoad } from '../../apps/cli/src/headless/load-runner.ts';
import type { LoadReport } from '../../apps/cli/src/headless/load-runner.ts';
import { REKEY_LOSS_REASONS } from '../../apps/cli/src/headless/churn.ts';
import { ProgressBar } from '../../apps/cli/src/headless/progress-bar.ts';
import type { Bench } from '../harness.ts';

export const name = 'join-storm';

const participants = Number(process.env.CONCLAVE_BENCH_STORM ?? 200);

async function storm(e2ee: boolean): Promise<LoadReport> {
  return runLoad({
    participants,
    e2ee,
    durationMs: 2_000,
    senders: 4,
    progress: new ProgressBar(process.stderr, true),
  });
}

export async function run(bench: Bench): Promise<void> {
  bench.progress(`standard storm of ${participants}`);
  const standard = await storm(false);
  bench.progress(`E2EE storm of ${participants}`);
  const e2ee = await storm(true);
  const n = `join storm ${participants}`;
  bench.record(`${n} admitted (e2ee vs standard)`, e2ee.admitted, 'people', standard.admitted);
  bench.record(
    `${n} join p50 ms (e2ee vs standard)`,
    e2ee.joinMs.p50 ?? NaN,
    'ms',
    standard.joinMs.p50 ?? NaN,
  );
  bench.record(
    `${n} join p95 ms (e2ee vs standard; target 2000)`,
    e2ee.joinMs.p95 ?? NaN,
    'ms',
    standard.joinMs.p95 ?? NaN,
  );
  // What one person waits when every device is its own, beside the shared-core wall clock.
  bench.record(
    `${n} e2ee join critical path p95 ms (vs wall-clock p95; goal 2000)`,
    e2ee.criticalPathMs.p95 ?? NaN,
    'ms',
    e2ee.joinMs.p95 ?? NaN,
  );
  for (const [part, d] of Object.entries(e2ee.criticalPathMs.parts))
    bench.record(`${n} e2ee critical path: ${part} p95 ms`, d.p95 ?? NaN, 'ms');
  // Shown, not hidden: the shared heap's full collections taken out of the timed MLS steps.
  const paused = e2ee.excludedHeapPauses;
  bench.record(`${n} e2ee timed steps a heap pause was taken out of`, paused.steps, 'steps');
  bench.record(`${n} e2ee heap pauses taken out, in all`, paused.ms, 'ms');
  bench.record(`${n} e2ee longest heap pause taken out ms`, paused.longestMs, 'ms');
  bench.record(
    `${n} client memory per participant MB (e2ee vs standard)`,
    e2ee.clientMemory.perParticipantMb,
    'MB',
    standard.clientMemory.perParticipantMb,
  );
  bench.record(
    `${n} converged ms (e2ee vs standard)`,
    e2ee.convergedMs ?? NaN,
    'ms',
    standard.convergedMs ?? NaN,
  );
  bench.record(
    `${n} e2ee final epochs (min = max means one)`,
    e2ee.epochs.max ?? NaN,
    'epoch',
    e2ee.epochs.min ?? NaN,
  );
  bench.record(`${n} e2ee security codes agree`, e2ee.securityCodesAgree === true ? 1 : 0, 'bool');
  // Of all frames received in the run (storm and media), those whose keys were not in place.
  const lostShare = (r: LoadReport) => {
    const lost =
      (r.frames.droppedByReason.unknown_epoch ?? 0) + (r.frames.droppedByReason.no_keys ?? 0);
    return r.frames.received === 0 ? NaN : (lost / r.frames.received) * 100;
  };
  bench.record(
    `${n} frames lost to rekeying % (e2ee vs standard; goal ≤ 0.1)`,
    lostShare(e2ee),
    '%',
    lostShare(standard),
  );
  // Per rekey, by reason: every epoch of the run (the storm's and any after it) counts.
  for (const reason of REKEY_LOSS_REASONS) {
    const perRekey = (r: LoadReport) =>
      (r.frames.droppedByReason[reason] ?? 0) / Math.max(1, r.epochs.max ?? 0);
    bench.record(
      `${n} ${reason} per rekey (e2ee vs standard)`,
      perRekey(e2ee),
      'frames',
      perRekey(standard),
    );
  }
  bench.record(
    `${n} before_join frames, not a loss (e2ee vs standard)`,
    e2ee.frames.droppedByReason.before_join ?? 0,
    'frames',
    standard.frames.droppedByReason.before_join ?? 0,
  );
  if (e2ee.server.source === 'in-process' && standard.server.source === 'in-process') {
    bench.record(
      `${n} server cpu ms (e2ee vs standard)`,
      e2ee.server.cpuMs,
      'ms',
      standard.server.cpuMs,
    );
    bench.record(
      `${n} server rss MB (e2ee vs standard)`,
      e2ee.server.rssMb,
      'MB',
      standard.server.rssMb,
    );
  }
}
