// `conclave load --churn N`: people join and leave while media flows, and the report says what
// rekeying cost in that steady state (docs/media.md "Rekeying without a gap").
import { describe, expect, it } from 'vitest';
import { REKEY_LOSS_REASONS, planChurn } from '../src/headless/churn.ts';
import { splitAccounts } from '../src/headless/load-workers.ts';
import { runCli, tempDir } from './helpers/cli.ts';

interface ChurnJson {
  admitted: number;
  participants: number;
  securityCodesAgree: boolean | null;
  rekeys: number | null;
  window: {
    received: number;
    decrypted: number;
    dropped: number;
    droppedByReason: Record<string, number>;
  };
  lostToRekeying: { frames: number; share: number; perRekey: Record<string, number | null> };
  churn: { joins: number; leaves: number; joinsAdmitted: number };
  removalCutoffMs: { p50: number | null; p95: number | null; measured: number; leaves: number };
  failures: unknown[];
}

async function run(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const config = await tempDir('load-churn');
  try {
    return await runCli(['load', ...args], { configDir: config.path, timeoutMs: 120_000 });
  } finally {
    await config.remove();
  }
}

describe('conclave load --churn', () => {
  it('2 join and 2 leave while media flows: all admitted, one code at the end, no frame lost to rekeying', async () => {
    const result = await run(
      ['--participants', '6', '--senders', '2', '--e2ee', '--churn', '2', '--duration', '4'].concat(
        '--json',
      ),
    );
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as ChurnJson;
    expect(json).toMatchObject({ participants: 6, admitted: 6, securityCodesAgree: true });
    expect(json.churn).toEqual({ joins: 2, leaves: 2, joinsAdmitted: 2 });
    // Each leave: the time until both senders protect media under an epoch without the leaver.
    expect(json.removalCutoffMs).toMatchObject({ measured: 2, leaves: 2 });
    expect(json.removalCutoffMs.p50).toBeGreaterThan(0);
    expect(json.failures).toEqual([]);
    // Two joins and two leaves 0.8 s apart: at least a commit for the joins and one for the
    // leaves even if a slow machine batches changes that wait on the same commit.
    expect(json.rekeys).toBeGreaterThanOrEqual(2);
    // The window's arithmetic holds together.
    const w = json.window;
    expect(w.received).toBeGreaterThan(0);
    expect(w.dropped).toBe(Object.values(w.droppedByReason).reduce((n, m) => n + m, 0));
    expect(w.decrypted + w.dropped).toBeLessThanOrEqual(w.received);
    const lost = REKEY_LOSS_REASONS.reduce((n, r) => n + (w.droppedByReason[r] ?? 0), 0);
    expect(json.lostToRekeying.frames).toBe(lost);
    expect(json.lostToRekeying.share).toBeCloseTo(lost / w.received, 10);
    for (const reason of REKEY_LOSS_REASONS)
      expect(json.lostToRekeying.perRekey[reason]).toBeCloseTo(
        (w.droppedByReason[reason] ?? 0) / json.rekeys!,
        10,
      );
    // Senders wait for the joiners and receivers hold early frames: rekeying costs (next to)
    // nothing. Frames from before a joiner's epoch are counted apart, as before_join.
    expect(json.lostToRekeying.share).toBeLessThan(0.005);
  });

  it('refuses more leavers than participants who send nothing, and too short a duration', async () => {
    const tooMany = await run(['--participants', '6', '--senders', '2', '--churn', '5']);
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toContain('--churn 5 needs 5 participants who send no media');
    const tooShort = await run([
      '--participants',
      '6',
      '--senders',
      '2',
      '--churn',
      '2',
      '--duration',
      '1',
    ]);
    expect(tooShort.code).toBe(2);
    expect(tooShort.stderr).toContain('give --duration at least 2 s');
    const tooBig = await run(['--participants', '990', '--churn', '20']);
    expect(tooBig.code).toBe(2);
    expect(tooBig.stderr).toContain('at most 1000');
  });
});

describe('the churn plan', () => {
  it('interleaves joins and leaves evenly over the time, deals joiners out, never takes a sender', () => {
    const account = (n: number) => ({ token: `t${n}`, userId: `u${n}` });
    const shares = splitAccounts(
      Array.from({ length: 10 }, (_, i) => account(i)),
      3,
      2,
    );
    const plan = planChurn(shares, [account(10), account(11), account(12)], 7_000);
    expect(plan.churners.map((c) => c.map((a) => a.userId))).toEqual([['u10', 'u12'], ['u11']]);
    const all = plan.events
      .flatMap((events, worker) => events.map((e) => ({ ...e, worker })))
      .sort((a, b) => a.atMs - b.atMs);
    expect(all.map((e) => e.atMs)).toEqual([1000, 2000, 3000, 4000, 5000, 6000]);
    expect(all.map((e) => e.kind)).toEqual(['join', 'leave', 'join', 'leave', 'join', 'leave']);
    // The leavers are the last participants (worker 2 holds u5…u9): never one of the 3 senders.
    const leavers = all
      .filter((e) => e.kind === 'leave')
      .map((e) => shares[e.worker]!.accounts[e.index]!.userId);
    expect(leavers).toEqual(['u9', 'u8', 'u7']);
  });
});
