// §5 joins, and the version comparator behind the per-platform minimums.
import { describe, expect, it } from 'vitest';
import { compareVersions, decideJoin, parseVersion } from '../src/index.ts';
import { joinCases } from './join-cases.ts';
import { codes, ids, org } from './org.ts';

describe('decideJoin', () => {
  it.each(joinCases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const decision = decideJoin(
      c.facts ?? org(),
      { endToEndEncryption: c.e2ee ?? true },
      c.user ?? ids.alice,
      c.client,
      c.admitted ?? 0,
    );
    expect(decision.outcome).toBe(c.outcome);
    // One reason: the first failure in §5's order blocks the join.
    expect(codes(decision.reasons)).toEqual(c.code ? [c.code] : []);
    for (const words of c.says ?? []) expect(decision.reasons[0]?.message).toContain(words);
  });
});

describe('compareVersions', () => {
  // Each row is strictly ascending (semver.org §11's own example, and more).
  const ascending = [
    '1.0.0-alpha',
    '1.0.0-alpha.1',
    '1.0.0-alpha.beta',
    '1.0.0-beta',
    '1.0.0-beta.2',
    '1.0.0-beta.11',
    '1.0.0-rc.1',
    '1.0.0',
    '1.0.1',
    '1.2.0',
    '1.10.0',
    '2.0.0',
  ];
  it.each(ascending.slice(1).map((b, i) => [ascending[i]!, b] as const))('%s < %s', (a, b) => {
    const [va, vb] = [parseVersion(a), parseVersion(b)];
    expect(va && vb && compareVersions(va, vb)).toBe(-1);
    expect(va && vb && compareVersions(vb, va)).toBe(1);
  });

  it('ignores build metadata and a leading v', () => {
    const [a, b] = [parseVersion('1.4.0+abc'), parseVersion('v1.4.0')];
    expect(a && b && compareVersions(a, b)).toBe(0);
  });

  it.each(['1.4', '1.4.0.1', '01.4.0', '1.4.0-01', '', 'latest', '1.4.0-'])(
    'rejects %j',
    (text) => {
      expect(parseVersion(text)).toBeUndefined();
    },
  );
});
