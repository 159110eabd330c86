// Removal cut-off: an E2EE meeting of 200 (CONCLAVE_BENCH_REMOVAL_PARTICIPANTS) where, once media
// flows, 20 people (CONCLAVE_BENCH_REMOVALS) depart one after another — by turns they leave and the
// organizer removes them — each once the meeting settled on the epoch without the one before.
// For each departure: how long until every remaining sender protects its media with keys the
// departed cannot derive (the first frame under the epoch without them). Shown as the critical
// path — each part measured by the party doing it, as if every device were its own — beside the
// wall clock of clients sharing this machine's cores. Goal (issue 13): critical-path p95 ≤ 1 s.
// The 4 senders take each other's media; the other members take none (LoadOptions.othersReceive).
import { runLoad } from '../../apps/cli/src/headless/load-runner.ts';
import { ProgressBar } from '../../apps/cli/src/headless/progress-bar.ts';
import type { Bench } from '../harness.ts';

export const name = 'removal-cutoff';

const participants = Number(process.env.CONCLAVE_BENCH_REMOVAL_PARTICIPANTS ?? 200);
const removals = Number(process.env.CONCLAVE_BENCH_REMOVALS ?? 20);

export async function run(bench: Bench): Promise<void> {
  bench.progress(`E2EE meeting of ${participants}, then ${removals} departures one by one`);
  const r = await runLoad({
    participants,
    e2ee: true,
    durationMs: 2_000,
    senders: 4,
    removals,
    // What is measured is the senders': the others run the full member role but take no media,
    // which on their own devices would cost nothing here and on this machine's cores is noise.
    othersReceive: false,
    progress: new ProgressBar(process.stderr, true),
  });
  const n = `removal cut-off ${participants}`;
  const cut = r.removalCutoffMs;
  const path = r.removalCriticalPathMs;
  bench.record(`${n} departures measured (vs asked)`, path.removals, 'people', removals);
  bench.record(
    `${n} leaves vs organizer removals`,
    r.removals.leaves,
    'people',
    r.removals.removedByOrganizer,
  );
  bench.record(
    `${n} critical path p50 ms (vs wall-clock p50)`,
    path.p50 ?? NaN,
    'ms',
    cut.p50 ?? NaN,
  );
  bench.record(
    `${n} critical path p95 ms (vs wall-clock p95; goal 1000)`,
    path.p95 ?? NaN,
    'ms',
    cut.p95 ?? NaN,
  );
  bench.record(`${n} critical path p95 ms (vs goal)`, path.p95 ?? NaN, 'ms', 1_000);
  for (const [part, d] of Object.entries(path.parts))
    bench.record(`${n} critical path: ${part} p95 ms`, d.p95 ?? NaN, 'ms');
  // Shown, not hidden: the shared heap's full collections taken out of the timed MLS steps.
  const paused = r.excludedHeapPauses;
  bench.record(`${n} timed steps a heap pause was taken out of`, paused.steps, 'steps');
  bench.record(`${n} heap pauses taken out, in all`, paused.ms, 'ms');
  bench.record(`${n} longest heap pause taken out ms`, paused.longestMs, 'ms');
  bench.record(
    `${n} security codes agree at the end`,
    r.securityCodesAgree === true ? 1 : 0,
    'bool',
  );
  bench.record(`${n} frames lost to rekeying`, r.lostToRekeying.frames, 'frames');
}
