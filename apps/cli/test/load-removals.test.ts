// `conclave load --removals N`: departures one after another while media flows — a leave, the
// organizer's removal, … — and the report gives each one's removal cut-off on the wall clock and
// its critical path (issue 13).
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from './helpers/cli.ts';

interface RemovalsJson {
  admitted: number;
  securityCodesAgree: boolean | null;
  removals: { asked: number; leaves: number; removedByOrganizer: number };
  removalCutoffMs: { p50: number | null; p95: number | null; measured: number; leaves: number };
  removalCriticalPathMs: {
    p50: number | null;
    p95: number | null;
    removals: number;
    parts: Record<string, { p95: number | null }>;
  };
  lostToRekeying: { frames: number };
}

async function run(args: string[]) {
  const config = await tempDir('load-removals');
  try {
    return await runCli(['load', ...args], { configDir: config.path, timeoutMs: 120_000 });
  } finally {
    await config.remove();
  }
}

describe('conclave load --removals', () => {
  it('a leave and an organizer’s removal: each cut-off and critical path measured, codes agree after', async () => {
    const result = await run(
      [
        '--participants',
        '6',
        '--senders',
        '2',
        '--e2ee',
        '--removals',
        '2',
        '--duration',
        '1',
      ].concat('--json'),
    );
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as RemovalsJson;
    expect(json).toMatchObject({ admitted: 6, securityCodesAgree: true });
    expect(json.removals).toEqual({ asked: 2, leaves: 1, removedByOrganizer: 1 });
    expect(json.removalCutoffMs).toMatchObject({ measured: 2, leaves: 2 });
    expect(json.removalCutoffMs.p50).toBeGreaterThan(0);
    const path = json.removalCriticalPathMs;
    expect(path.removals).toBe(2);
    expect(Object.keys(path.parts).sort()).toEqual(
      ['commit', 'frame', 'measuredFrame', 'measuredWait', 'processing', 'serverWait'].sort(),
    );
    const sum = ['serverWait', 'commit', 'processing', 'frame'].reduce(
      (n, part) => n + path.parts[part]!.p95!,
      0,
    );
    // Each path is the sum of its parts, so its p95 is at most the sum of their p95s.
    expect(path.p95).toBeGreaterThan(0);
    expect(path.p95).toBeLessThanOrEqual(sum);
    // A removal moves senders at once; no receiver loses frames for it.
    expect(json.lostToRekeying.frames).toBe(0);
  });

  it('with --quiet-receivers only the senders take media; every member still keeps the group', async () => {
    const result = await run([
      '--participants',
      '6',
      '--senders',
      '2',
      '--e2ee',
      '--removals',
      '1',
      '--duration',
      '1',
      '--quiet-receivers',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as RemovalsJson & {
      decrypting: number;
      media: { description: string };
    };
    expect(json).toMatchObject({ admitted: 6, securityCodesAgree: true });
    // The two senders decrypt each other; the four others took no frame.
    expect(json.decrypting).toBe(2);
    expect(json.media.description).toContain('only they receive (the others take no media)');
    expect(json.removalCriticalPathMs.removals).toBe(1);
  });

  it('needs an E2EE meeting, no churn, and participants who send nothing to depart', async () => {
    const standard = await run(['--participants', '6', '--removals', '1']);
    expect(standard.code).toBe(2);
    expect(standard.stderr).toContain('add --e2ee');
    const both = await run(['--participants', '6', '--e2ee', '--churn', '1', '--removals', '1']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('not both');
    const tooMany = await run([
      '--participants',
      '6',
      '--senders',
      '2',
      '--e2ee',
      '--removals',
      '5',
    ]);
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toContain('--removals 5 needs 5 participants who send no media');
  });
});
