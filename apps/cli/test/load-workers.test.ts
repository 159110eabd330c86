// `conclave load` over several worker processes: how the accounts are split, the convergence
// judgement across workers (a pure function), and the parent's orchestration with stand-in
// workers in real processes — agreement, disagreement between workers, and a worker that dies.
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  describeStanding,
  judgeConvergence,
  workerStatus,
  type ParticipantState,
  type WorkerStatus,
} from '../src/headless/convergence.ts';
import type { LoadAccount } from '../src/headless/load-protocol.ts';
import {
  runStorm,
  splitAccounts,
  type Share,
  type StormPlan,
  type StormResult,
} from '../src/headless/load-workers.ts';
import { ProgressBar } from '../src/headless/progress-bar.ts';
import { tempDir } from './helpers/cli.ts';

const joined = (epoch: string, securityCode: string, rosterLength: number): ParticipantState => ({
  kind: 'joined',
  epoch,
  securityCode,
  rosterLength,
});

const accounts = (n: number, userId: (i: number) => string = (i) => `u${i}`): LoadAccount[] =>
  Array.from({ length: n }, (_, i) => ({ token: `t${i}`, userId: userId(i) }));

describe('the convergence judgement across workers', () => {
  it('compacts a worker into counts per epoch, code and roster size', () => {
    const status = workerStatus([
      joined('3', 'A', 4),
      { kind: 'joining' },
      joined('3', 'A', 4),
      { kind: 'failed', why: 'timeout' },
      joined('2', 'B', 3),
    ]);
    expect(status).toEqual({
      total: 5,
      joining: 1,
      failed: 1,
      failedBecause: { timeout: 1 },
      keys: [
        { epoch: '3', securityCode: 'A', rosterLength: 4, count: 2 },
        { epoch: '2', securityCode: 'B', rosterLength: 3, count: 1 },
      ],
    });
  });

  it('converges when every joined participant in every worker is at one key listing them all', () => {
    const a = workerStatus([joined('5', 'A', 5), joined('5', 'A', 5), joined('5', 'A', 5)]);
    const b = workerStatus([joined('5', 'A', 5), joined('5', 'A', 5)]);
    expect(judgeConvergence([a, b])).toBe(true);
    // Failed participants are not waited for: the roster lists the ones that joined.
    const c = workerStatus([
      joined('5', 'A', 4),
      joined('5', 'A', 4),
      { kind: 'failed', why: 'timeout' },
    ]);
    const d = workerStatus([joined('5', 'A', 4), joined('5', 'A', 4)]);
    expect(judgeConvergence([c, d])).toBe(true);
    // Standard meetings have no security code.
    const plain = (n: number) =>
      workerStatus(
        Array.from({ length: n }, () => ({
          kind: 'joined',
          epoch: '1',
          securityCode: null,
          rosterLength: 4,
        })),
      );
    expect(judgeConvergence([plain(2), plain(2)])).toBe(true);
  });

  it('is not converged when two workers each agree inside but on different keys', () => {
    const onA = workerStatus([joined('5', 'A', 4), joined('5', 'A', 4)]);
    const onB = workerStatus([joined('5', 'B', 4), joined('5', 'B', 4)]);
    expect(judgeConvergence([onA, onA])).toBe(true);
    expect(judgeConvergence([onA, onB])).toBe(false);
    const otherEpoch = workerStatus([joined('6', 'A', 4), joined('6', 'A', 4)]);
    expect(judgeConvergence([onA, otherEpoch])).toBe(false);
  });

  it('is not converged while anyone joins, a roster misses someone, or a worker is silent', () => {
    const agreeing = workerStatus([joined('5', 'A', 4), joined('5', 'A', 4)]);
    const stillJoining = workerStatus([
      joined('5', 'A', 4),
      joined('5', 'A', 4),
      { kind: 'joining' },
    ]);
    expect(judgeConvergence([agreeing, stillJoining])).toBe(false);
    // Each roster lists 3 of the 4 joined: someone is not in the group yet.
    const short = workerStatus([joined('5', 'A', 3), joined('5', 'A', 3)]);
    expect(judgeConvergence([short, short])).toBe(false);
    expect(judgeConvergence([agreeing, undefined])).toBe(false);
    const nobody: WorkerStatus = workerStatus([{ kind: 'failed', why: 'timeout' }]);
    expect(judgeConvergence([nobody, nobody])).toBe(false);
    expect(judgeConvergence([])).toBe(false);
  });
});

describe('where a storm stands, for the progress of a long run', () => {
  it('says why those not in are not, and where the joined are, the largest groups first', () => {
    const a = workerStatus([
      joined('4', 'A', 802),
      joined('4', 'A', 802),
      { kind: 'failed', why: 'connection_failed' },
      { kind: 'failed', why: 'timeout' },
      { kind: 'failed', why: 'connection_failed' },
    ]);
    const b = workerStatus([joined('3', 'A', 800), joined('4', 'A', 802), { kind: 'joining' }]);
    expect(describeStanding([a, undefined, b])).toBe(
      'joined: 3 epoch 4 with 802 in the roster; 1 epoch 3 with 800 in the roster' +
        ' — not in: 2 connection_failed; 1 timeout',
    );
    expect(describeStanding([workerStatus([{ kind: 'joining' }])])).toBe('');
  });
});

describe('splitting the accounts over workers', () => {
  it('gives contiguous, nearly equal shares with the first senders overall sending', () => {
    const all = accounts(11);
    const shares = splitAccounts(all, 5, 3);
    expect(shares.map((s) => s.accounts.length)).toEqual([4, 4, 3]);
    expect(shares.flatMap((s) => s.accounts)).toEqual(all);
    expect(shares.map((s) => s.senders)).toEqual([4, 1, 0]);
    // Never an empty worker.
    expect(splitAccounts(accounts(2), 2, 8).map((s) => s.accounts.length)).toEqual([1, 1]);
    expect(splitAccounts(accounts(3), 0, 1)).toEqual([{ accounts: accounts(3), senders: 0 }]);
  });
});

async function storm(
  shares: Share[],
  joinTimeoutMs: number,
  plan: Partial<StormPlan> = {},
): Promise<{ result?: StormResult; error?: unknown; started: number[] }> {
  const pids = await tempDir('load-pids');
  const run = runStorm(
    { server: pids.path, meetingId: 'm', shares, joinTimeoutMs, durationMs: 1, ...plan },
    new ProgressBar(process.stderr, false),
    { workerPath: fileURLToPath(new URL('./load-stand-in-worker.ts', import.meta.url)) },
  );
  const outcome = await run.then(
    (result) => ({ result }),
    (error: unknown) => ({ error }),
  );
  const started = (await readdir(pids.path)).map(Number);
  await pids.remove();
  return { ...outcome, started };
}

const running = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the parent across worker processes', () => {
  it('judges convergence over all workers and returns the reports in account order', async () => {
    const shares = splitAccounts(
      accounts(5, (i) => `agree:A:5:${i}`),
      2,
      2,
    );
    const { result, started } = await storm(shares, 30_000);
    expect(started).toHaveLength(2);
    expect(result?.convergedMs).not.toBeNull();
    expect(result?.convergedMs).toBeLessThan(5_000);
    expect(result?.reports.map((r) => r.userId)).toEqual(
      shares.flatMap((s) => s.accounts.map((a) => a.userId)),
    );
    expect(result?.reports.map((r) => r.sendsMedia)).toEqual([true, true, false, false, false]);
    expect(started.filter(running)).toEqual([]);
  });

  it('does not converge when the workers agree inside but not with each other', async () => {
    const shares: Share[] = [
      { accounts: accounts(2, (i) => `agree:A:4:${i}`), senders: 0 },
      { accounts: accounts(2, (i) => `agree:B:4:${i}`), senders: 0 },
    ];
    const began = Date.now();
    const { result } = await storm(shares, 300);
    expect(result?.convergedMs).toBeNull();
    // Given up after the join timeout, not at the first status.
    expect(Date.now() - began).toBeGreaterThanOrEqual(300);
    expect(result?.reports).toHaveLength(4);
  });

  it('with a settle time, measures once one epoch held that long, after the commits that came', async () => {
    // Two workers agree at epoch 1, then move together through epochs 2 and 3, 300 ms apart.
    const rekeying = () =>
      splitAccounts(
        accounts(4, (i) => `rekey:A:4:300:${i}`),
        0,
        2,
      );
    const began = Date.now();
    const { result } = await storm(rekeying(), 30_000, { settleMs: 2_000 });
    expect(result?.settled?.rekeys).toBe(2);
    expect(result?.settled?.ms).toBeGreaterThanOrEqual(600);
    expect(result?.settled?.ms).toBeGreaterThan(result!.convergedMs!);
    // The measured time began at the last epoch, once it had held for the settle time.
    expect(result?.epochs.start).toBe('3');
    expect(Date.now() - began).toBeGreaterThanOrEqual(2_600);
    // Without one, it begins at the first agreement.
    const plain = await storm(rekeying(), 30_000);
    expect(plain.result?.settled).toBeNull();
    expect(plain.result?.epochs.start).toBe('1');
  });

  it('does not count as settled while a worker has MLS work in hand, though the epochs agree', async () => {
    const shares = splitAccounts(
      accounts(4, (i) => `busy:A:4:1500:${i}`),
      0,
      2,
    );
    const began = Date.now();
    const { result } = await storm(shares, 30_000, { settleMs: 500 });
    // The agreement came at once and never changed; the quiet began when the work was done.
    expect(result?.settled).toEqual({ ms: result?.convergedMs, rekeys: 0 });
    expect(Date.now() - began).toBeGreaterThanOrEqual(2_000);
  });

  it('gives up settling after the join timeout when the epoch keeps moving, and still measures', async () => {
    const shares = splitAccounts(
      accounts(4, (i) => `flap:A:4:100:${i}`),
      0,
      2,
    );
    const { result } = await storm(shares, 1_500, { settleMs: 1_000 });
    expect(result?.convergedMs).not.toBeNull();
    expect(result?.settled?.ms).toBeNull();
    expect(result?.settled?.rekeys).toBeGreaterThanOrEqual(5);
    expect(result?.reports).toHaveLength(4);
  });

  it('fails the run with a clear message when a worker dies, and stops the others', async () => {
    const shares: Share[] = [
      { accounts: accounts(2, (i) => `agree:A:4:${i}`), senders: 0 },
      { accounts: accounts(2, () => 'crash'), senders: 0 },
    ];
    const { error, started } = await storm(shares, 30_000);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^participant worker 2 of 2 exited \(3\)/);
    expect((error as Error).message).toContain('the other workers were stopped');
    expect(started).toHaveLength(2);
    expect(started.filter(running)).toEqual([]);
  });
});
