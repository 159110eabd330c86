// Time to recover after a server restart (issue 16): four SDK participants of an E2EE meeting
// publish audio on a server in its own process (SQLite), which is killed (SIGKILL) or stopped
// (SIGTERM) and started again 3 s later on the same port and data. The figure is the time from
// the restarted server answering /readyz until every sender→receiver pair decrypts again, with
// the SDK's default reconnect policy; the baseline, measured in the same run, is the time the
// same four took to join fresh until every pair decrypted. Target (issue): within 5 s.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  RestartScenario,
  type StopSignal,
} from '../../packages/client/test/support/restart-scenario.ts';
import type { Bench } from '../harness.ts';

export const name = 'restart';

async function recovery(signal: StopSignal): Promise<{ joinMs: number; recoverMs: number }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'conclave-bench-restart-'));
  const scenario = new RestartScenario({
    dataDir,
    drop: () => rm(dataDir, { recursive: true, force: true }),
  });
  try {
    await scenario.start();
    const joinMs = await scenario.joinAndPublish();
    const ready = await scenario.restart(signal);
    await scenario.everyPairSince(ready, 60_000);
    return { joinMs, recoverMs: Date.now() - ready };
  } finally {
    await scenario.close();
  }
}

export async function run(bench: Bench): Promise<void> {
  for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
    bench.progress(`restart after ${signal}`);
    const { joinMs, recoverMs } = await recovery(signal);
    bench.record(`restart ${signal} ready→every pair ms (vs fresh join)`, recoverMs, 'ms', joinMs);
  }
}
