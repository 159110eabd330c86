// Churn: an E2EE meeting of 50 (CONCLAVE_BENCH_CHURN_PARTICIPANTS) where 20 people join and 20
// leave (CONCLAVE_BENCH_CHURN) spread over 60 s (CONCLAVE_BENCH_CHURN_SECONDS) while 4 send media —
// a meeting's steady state, not only its first storm — beside a standard meeting with the same
// churn in the same run. Goal (issue 15): no frame lost to rekeying (unknown_epoch + no_keys).
import { runLoad, type LoadReport } from '../../apps/cli/src/headless/load-runner.ts';
import { ProgressBar } from '../../apps/cli/src/headless/progress-bar.ts';
import type { Bench } from '../harness.ts';

export const name = 'churn';

const participants = Number(process.env.CONCLAVE_BENCH_CHURN_PARTICIPANTS ?? 50);
const churn = Number(process.env.CONCLAVE_BENCH_CHURN ?? 20);
const seconds = Number(process.env.CONCLAVE_BENCH_CHURN_SECONDS ?? 60);

function meeting(e2ee: boolean): Promise<LoadReport> {
  return runLoad({
    participants,
    e2ee,
    durationMs: seconds * 1000,
    senders: 4,
    churn,
    progress: new ProgressBar(process.stderr, true),
  });
}

export async function run(bench: Bench): Promise<void> {
  bench.progress(`standard meeting of ${participants}, ${churn} joins and leaves in ${seconds} s`);
  const standard = await meeting(false);
  bench.progress(`E2EE meeting of ${participants}, ${churn} joins and leaves in ${seconds} s`);
  const e2ee = await meeting(true);
  const n = `churn ${participants}+${churn}/${seconds}s`;
  bench.record(
    `${n} rekeys (e2ee vs standard)`,
    e2ee.rekeys ?? NaN,
    'epochs',
    standard.rekeys ?? NaN,
  );
  bench.record(
    `${n} joiners admitted (e2ee vs standard)`,
    e2ee.churn.joinsAdmitted,
    'people',
    standard.churn.joinsAdmitted,
  );
  bench.record(
    `${n} frames received (e2ee vs standard)`,
    e2ee.window.received,
    'frames',
    standard.window.received,
  );
  bench.record(
    `${n} frames lost to rekeying (e2ee vs standard; goal 0)`,
    e2ee.lostToRekeying.frames,
    'frames',
    standard.lostToRekeying.frames,
  );
  for (const [reason, perRekey] of Object.entries(e2ee.lostToRekeying.perRekey))
    bench.record(
      `${n} ${reason} per rekey (e2ee vs standard)`,
      perRekey ?? NaN,
      'frames',
      standard.lostToRekeying.perRekey[reason as keyof LoadReport['lostToRekeying']['perRekey']] ??
        NaN,
    );
  bench.record(
    `${n} before_join frames, not a loss (e2ee vs standard)`,
    e2ee.window.droppedByReason.before_join ?? 0,
    'frames',
    standard.window.droppedByReason.before_join ?? 0,
  );
  bench.record(
    `${n} removal cut-off p50 ms (e2ee vs standard)`,
    e2ee.removalCutoffMs.p50 ?? NaN,
    'ms',
    standard.removalCutoffMs.p50 ?? NaN,
  );
  bench.record(
    `${n} removal cut-off p95 ms (e2ee vs standard; goal 1000)`,
    e2ee.removalCutoffMs.p95 ?? NaN,
    'ms',
    standard.removalCutoffMs.p95 ?? NaN,
  );
  bench.record(
    `${n} e2ee security codes agree at the end`,
    e2ee.securityCodesAgree ? 1 : 0,
    'bool',
  );
}
