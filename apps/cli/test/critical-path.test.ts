// The join critical path as `conclave load` adds it up from what each party measured (issue 11).
import { describe, expect, it } from 'vitest';
import type { MlsTimings } from '@conclave/client';
import { criticalPaths } from '../src/headless/critical-path.ts';
import type { ParticipantReport } from '../src/headless/participant.ts';

const report = (mls: MlsTimings): ParticipantReport => ({ mls }) as unknown as ParticipantReport;

describe('the join critical path', () => {
  it('counts a batch blocked behind the previous commit as that commit’s own cost, and says the wall clock beside it', () => {
    const reports = [
      // The founder created the group in 5 ms and committed epochs 1 and 2.
      report({
        created: { ms: 5 },
        commits: [
          // Epoch 1: 60 ms window + 940 ms waiting for the founding (on shared cores).
          { epoch: '1', waitedMs: 1_000, blockedMs: 940, commitMs: 100 },
          // Epoch 2: 50 ms window + 2,950 ms behind epoch 1's commit, which took 100 ms itself.
          { epoch: '2', waitedMs: 3_000, blockedMs: 2_950, commitMs: 300 },
        ],
        processed: [],
      }),
      report({ commits: [], processed: [{ epoch: '2', ms: 40 }], welcome: { epoch: '1', ms: 30 } }),
      report({ commits: [], processed: [], welcome: { epoch: '2', ms: 80 } }),
    ];
    const path = criticalPaths(reports);
    expect(path.joins).toBe(2);
    // Joiner at epoch 1: 60 + 5 (founding) + 100 + 30 + (slowest of epoch 1: 30) + 20.
    // Joiner at epoch 2: 50 + 100 (epoch 1's commit) + 300 + 80 + (slowest of epoch 2: 80) + 20.
    expect(path.parts.batchingWait.max).toBe(150);
    expect(path.parts.measuredWait.max).toBe(3_000);
    expect(path.max).toBe(150 + 300 + 80 + 100);
    expect(path.parts.firstFrame.max).toBe(100);
  });

  it('never counts more than the wall clock blocked, and a server that says nothing waited nothing', () => {
    const reports = [
      report({
        commits: [
          { epoch: '4', commitMs: 500 },
          { epoch: '5', waitedMs: 200, blockedMs: 120, commitMs: 50 },
        ],
        processed: [],
      }),
      report({ commits: [], processed: [], welcome: { epoch: '5', ms: 10 } }),
    ];
    const path = criticalPaths(reports);
    // Blocked 120 ms behind a commit that took 500: 120 counted, not 500.
    expect(path.parts.batchingWait.max).toBe(200);
    expect(path.max).toBe(200 + 50 + 10 + 30);
  });

  it('charges a joiner its own wait from the Welcome, and the batch’s only where it was not said', () => {
    const founder = report({
      created: { ms: 5 },
      commits: [
        // Epoch 1's batch waited 1 s from its first arrival; epoch 2's 900 ms, 700 of them
        // blocked behind epoch 1's commit (which took 100 ms itself).
        { epoch: '1', waitedMs: 1_000, blockedMs: 0, commitMs: 100 },
        { epoch: '2', waitedMs: 900, blockedMs: 700, commitMs: 200 },
      ],
      processed: [],
    });
    const pathOf = (welcome: NonNullable<MlsTimings['welcome']>) =>
      criticalPaths([founder, report({ commits: [], processed: [], welcome })]);

    // A late arrival in epoch 1's batch waited 300 ms, not the batch's second.
    const late = pathOf({ epoch: '1', ms: 50, waitedMs: 300, blockedMs: 0 });
    expect(late.parts.batchingWait.max).toBe(300);
    expect(late.parts.measuredWait.max).toBe(300);
    expect(late.max).toBe(300 + 100 + 50 + (50 + 20));

    // One that came while epoch 1's commit was awaited: its blocked part counts that commit's
    // own 100 ms at most.
    const blocked = pathOf({ epoch: '2', ms: 50, waitedMs: 500, blockedMs: 450 });
    expect(blocked.parts.batchingWait.max).toBe(50 + 100);
    expect(blocked.parts.measuredWait.max).toBe(500);

    // A Welcome that did not say: the batch's wait stands in, as before.
    const unsaid = pathOf({ epoch: '2', ms: 50 });
    expect(unsaid.parts.batchingWait.max).toBe(200 + 100);
    expect(unsaid.parts.measuredWait.max).toBe(900);
    expect(unsaid.max).toBe(300 + 200 + 50 + (50 + 20));
  });
});
