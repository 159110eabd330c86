// §2: the effective encryption policy, and compliance recording resolved the same way.
import { describe, expect, it } from 'vitest';
import {
  builtInGlobalPolicy,
  isUnderComplianceRecording,
  resolveEffectivePolicy,
} from '../src/index.ts';
import type { ComplianceRecordingAssignment, OrgFacts, PolicyAssignment } from '../src/index.ts';
import { org, user } from './org.ts';

const policies: OrgFacts['policies'] = ['P1', 'P2', 'P3', 'Org'].map((name) => ({
  name,
  meetingEndToEndEncryption: 'DisabledUserOverride',
  callingEndToEndEncryption: 'Disabled',
}));

function facts(assignments: PolicyAssignment[], extra: Partial<OrgFacts> = {}): OrgFacts {
  return org({
    users: [user('u1', { groups: ['g1', 'g2'] }), user('u2'), user('u3', { groups: ['g3'] })],
    groups: [{ id: 'g1' }, { id: 'g2' }, { id: 'g3', members: ['u2'] }],
    policies,
    assignments,
    ...extra,
  });
}

describe('resolveEffectivePolicy', () => {
  const cases: [string, PolicyAssignment[], string, string, string][] = [
    ['nothing assigned: the built-in Global', [], 'u1', 'Global', 'global'],
    ['the org-wide assignment', [{ policy: 'Org', global: true }], 'u1', 'Org', 'global'],
    [
      'a group beats the org-wide default',
      [
        { policy: 'Org', global: true },
        { policy: 'P2', group: 'g2', rank: 5 },
      ],
      'u1',
      'P2',
      'group:g2',
    ],
    [
      'the best (lowest) rank wins, whatever the order',
      [
        { policy: 'P2', group: 'g2', rank: 3 },
        { policy: 'P1', group: 'g1', rank: 2 },
      ],
      'u1',
      'P1',
      'group:g1',
    ],
    [
      'a direct assignment beats every group',
      [
        { policy: 'P1', group: 'g1', rank: 1 },
        { policy: 'P3', user: 'u1' },
      ],
      'u1',
      'P3',
      'direct',
    ],
    [
      'groups the user is not in do not count',
      [
        { policy: 'P1', group: 'g3', rank: 1 },
        { policy: 'Org', global: true },
      ],
      'u1',
      'Org',
      'global',
    ],
    [
      'membership listed on the group counts',
      [{ policy: 'P1', group: 'g3', rank: 1 }],
      'u2',
      'P1',
      'group:g3',
    ],
    [
      'an unknown user gets the default',
      [{ policy: 'Org', global: true }],
      'ghost',
      'Org',
      'global',
    ],
  ];
  it.each(cases)('%s', (_name, assignments, userId, policy, source) => {
    const effective = resolveEffectivePolicy(facts(assignments), userId);
    expect(effective.policy.name).toBe(policy);
    expect(effective.source).toBe(source);
    expect(effective.missing).toBeUndefined();
  });

  it('falls back to the group, then the default, when assignments are removed', () => {
    const all: PolicyAssignment[] = [
      { policy: 'P3', user: 'u1' },
      { policy: 'P1', group: 'g1', rank: 1 },
      { policy: 'Org', global: true },
    ];
    expect(resolveEffectivePolicy(facts(all), 'u1').policy.name).toBe('P3');
    expect(resolveEffectivePolicy(facts(all.slice(1)), 'u1').policy.name).toBe('P1');
    expect(resolveEffectivePolicy(facts(all.slice(2)), 'u1').policy.name).toBe('Org');
  });

  it('Global exists even if not listed, with its out-of-the-box settings', () => {
    const effective = resolveEffectivePolicy(facts([], { policies: [] }), 'u1');
    expect(effective.policy).toEqual(builtInGlobalPolicy());
    expect(effective.policy.meetingEndToEndEncryption).toBe('DisabledUserOverride');
    expect(effective.policy.callingEndToEndEncryption).toBe('Disabled');
  });

  it('a listed Global replaces the built-in settings', () => {
    const strict = {
      name: 'Global',
      meetingEndToEndEncryption: 'Disabled',
      callingEndToEndEncryption: 'Disabled',
    } as const;
    expect(resolveEffectivePolicy(facts([], { policies: [strict] }), 'u1').policy).toEqual(strict);
  });

  it('an assignment to a policy that no longer exists fails closed', () => {
    const effective = resolveEffectivePolicy(facts([{ policy: 'Gone', user: 'u1' }]), 'u1');
    expect(effective).toMatchObject({
      source: 'direct',
      missing: true,
      policy: {
        name: 'Gone',
        meetingEndToEndEncryption: 'Disabled',
        callingEndToEndEncryption: 'Disabled',
      },
    });
  });

  it('builtInGlobalPolicy hands out a fresh copy', () => {
    const a = builtInGlobalPolicy();
    a.meetingEndToEndEncryption = 'Disabled';
    expect(builtInGlobalPolicy().meetingEndToEndEncryption).toBe('DisabledUserOverride');
  });
});

describe('isUnderComplianceRecording', () => {
  const cases: [string, ComplianceRecordingAssignment[], string, boolean][] = [
    ['nothing assigned', [], 'u1', false],
    ['assigned directly', [{ user: 'u1' }], 'u1', true],
    ['assigned to someone else', [{ user: 'u2' }], 'u1', false],
    ['through a group', [{ group: 'g2' }], 'u1', true],
    ['through a group listing the user', [{ group: 'g3' }], 'u2', true],
    ['org-wide', [{ global: true }], 'u2', true],
    ['a disabled policy records nobody', [{ group: 'g1', enabled: false }], 'u1', false],
    [
      'a direct disabled policy beats a recording group',
      [{ group: 'g1' }, { user: 'u1', enabled: false }],
      'u1',
      false,
    ],
    [
      'the best-ranked group decides',
      [
        { group: 'g1', rank: 1, enabled: false },
        { group: 'g2', rank: 2 },
      ],
      'u1',
      false,
    ],
    [
      'a group beats the org-wide default',
      [{ global: true }, { group: 'g1', enabled: false }],
      'u1',
      false,
    ],
    [
      'unranked groups tie, and any recording one records',
      [{ group: 'g1', enabled: false }, { group: 'g2' }],
      'u1',
      true,
    ],
  ];
  it.each(cases)('%s', (_name, complianceRecording, userId, expected) => {
    expect(isUnderComplianceRecording(facts([], { complianceRecording }), userId)).toBe(expected);
  });
});
