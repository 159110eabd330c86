// The removal cut-off as `conclave load` adds it up (issue 13): the wall clock from a departure's
// request to the last sender's first frame under an epoch without them, and the critical path
// from what each party measured around its own step.
import { describe, expect, it } from 'vitest';
import type { MlsTimings } from '@conclave/client';
import { convergedKey } from '../src/headless/convergence.ts';
import { frameEpoch, type SenderCutoffs } from '../src/headless/cutoff-watch.ts';
import { splitAccounts } from '../src/headless/load-workers.ts';
import type { ParticipantReport } from '../src/headless/participant.ts';
import { removalCriticalPaths, removalCutoffs } from '../src/headless/removal-cutoff.ts';
import { planRemovals } from '../src/headless/removals.ts';

const report = (mls: MlsTimings): ParticipantReport => ({ mls }) as unknown as ParticipantReport;

const sender = (
  removedAt: Record<string, string>,
  firstFrames: [string, number][],
  entered: [string, number][] = [],
): SenderCutoffs => ({
  removedAt,
  entered: entered.map(([epoch, at]) => ({ epoch, at })),
  firstFrames: firstFrames.map(([epoch, at]) => ({ epoch, at })),
});

describe('the removal cut-off on the wall clock', () => {
  it('runs from the request to the last sender’s first frame under an epoch without them', () => {
    const senders = [
      sender({ u9: '7' }, [
        ['6', 900],
        ['7', 1_120],
      ]),
      // This sender's first frame after the removal is already under a later epoch: it counts.
      sender({ u9: '7' }, [
        ['5', 100],
        ['8', 1_300],
      ]),
    ];
    expect(removalCutoffs([{ userId: 'u9', kind: 'leave', at: 1_000 }], senders)).toEqual([300]);
    // A sender that never saw the removal, or never sent under it: no figure rather than a wrong one.
    expect(removalCutoffs([{ userId: 'u8', kind: 'remove', at: 1_000 }], senders)).toEqual([
      undefined,
    ]);
    const stuck = [sender({ u9: '7' }, [['6', 900]])];
    expect(removalCutoffs([{ userId: 'u9', kind: 'leave', at: 1_000 }], stuck)).toEqual([
      undefined,
    ]);
    expect(removalCutoffs([{ userId: 'u9', kind: 'leave', at: 1_000 }], [])).toEqual([undefined]);
  });

  it('reads a frame’s full epoch from its key id’s low 8 bits and the sender’s epoch', () => {
    expect(frameEpoch(7, 7n)).toBe(7n);
    expect(frameEpoch(6, 7n)).toBe(6n);
    // Across the wrap of the 8 bits: epoch 256 is bits 0, epoch 255 bits 255.
    expect(frameEpoch(0, 256n)).toBe(256n);
    expect(frameEpoch(255, 256n)).toBe(255n);
    expect(frameEpoch(2, 258n)).toBe(258n);
  });
});

describe('the removal critical path', () => {
  it('adds the server’s wait, the commit, the slowest member’s processing and a frame interval', () => {
    const reports = [
      report({
        commits: [
          { epoch: '10', waitedMs: 30, blockedMs: 0, commitMs: 90 },
          // Epoch 11: a 20 ms wait plus 400 ms blocked behind epoch 10's commit (90 ms itself).
          { epoch: '11', waitedMs: 420, blockedMs: 400, commitMs: 70 },
        ],
        processed: [],
      }),
      report({
        commits: [],
        processed: [
          { epoch: '10', ms: 50 },
          { epoch: '11', ms: 40 },
        ],
      }),
      report({
        commits: [],
        processed: [
          { epoch: '10', ms: 65 },
          { epoch: '11', ms: 55 },
        ],
      }),
    ];
    const senders = [
      sender(
        { u1: '10', u2: '11' },
        [
          ['10', 1_012],
          ['11', 2_030],
        ],
        [
          ['10', 1_000],
          ['11', 2_000],
        ],
      ),
    ];
    const departures = [
      { userId: 'u1', kind: 'leave' as const, at: 900 },
      { userId: 'u2', kind: 'remove' as const, at: 1_500 },
    ];
    const path = removalCriticalPaths(departures, senders, reports);
    expect(path.removals).toBe(2);
    // u1: 30 + 90 + 65 + 20 = 205. u2: 20 + min(400, 90) + 70 + 55 + 20 = 255.
    expect([path.p50, path.max]).toEqual([205, 255]);
    expect(path.parts.serverWait.max).toBe(110);
    expect(path.parts.measuredWait.max).toBe(420);
    expect(path.parts.commit.max).toBe(90);
    expect(path.parts.processing.max).toBe(65);
    expect(path.parts.frame.max).toBe(20);
    // Measured beside it: entering the epoch → the first frame under it (12 and 30 ms).
    expect([path.parts.measuredFrame.p50, path.parts.measuredFrame.max]).toEqual([12, 30]);
  });

  it('leaves out a departure whose commit or processing nobody reported', () => {
    const senders = [sender({ u1: '3' }, [['3', 10]])];
    const noCommit = [report({ commits: [], processed: [{ epoch: '3', ms: 5 }] })];
    const departures = [{ userId: 'u1', kind: 'leave' as const, at: 0 }];
    expect(removalCriticalPaths(departures, senders, noCommit).removals).toBe(0);
    const noProcessing = [report({ commits: [{ epoch: '3', commitMs: 5 }], processed: [] })];
    expect(removalCriticalPaths(departures, senders, noProcessing)).toMatchObject({
      removals: 0,
      p95: null,
    });
  });
});

describe('the removal plan', () => {
  const account = (n: number) => ({ token: `t${n}`, userId: `u${n}` });

  it('takes the last participants, leave and organizer removal by turns, never a sender', () => {
    const shares = splitAccounts(
      Array.from({ length: 8 }, (_, i) => account(i)),
      3,
      2,
    );
    expect(planRemovals(shares, 4)).toEqual({
      organizer: 'u0',
      steps: [
        { kind: 'leave', userId: 'u7' },
        { kind: 'remove', userId: 'u6' },
        { kind: 'leave', userId: 'u5' },
        { kind: 'remove', userId: 'u4' },
      ],
    });
    expect(() => planRemovals(shares, 6)).toThrow(RangeError);
    // Without senders the organizer still stays.
    const silent = splitAccounts([account(0), account(1)], 0, 1);
    expect(planRemovals(silent, 1).steps).toEqual([{ kind: 'leave', userId: 'u1' }]);
    expect(() => planRemovals(silent, 2)).toThrow(RangeError);
  });

  it('knows the epoch the meeting settled on, and none while it has not', () => {
    const key = { epoch: '12', securityCode: 'c', rosterLength: 3 };
    expect(
      convergedKey([
        {
          total: 2,
          joining: 0,
          failed: 1,
          failedBecause: { timeout: 1 },
          keys: [{ ...key, count: 1 }],
        },
        { total: 2, joining: 0, failed: 0, failedBecause: {}, keys: [{ ...key, count: 2 }] },
      ]),
    ).toMatchObject({ epoch: '12' });
    expect(
      convergedKey([
        { total: 2, joining: 0, failed: 0, failedBecause: {}, keys: [{ ...key, count: 2 }] },
        {
          total: 1,
          joining: 0,
          failed: 0,
          failedBecause: {},
          keys: [{ ...key, epoch: '11', count: 1 }],
        },
      ]),
    ).toBeUndefined();
  });
});
