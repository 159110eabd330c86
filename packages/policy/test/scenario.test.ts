// §8: the what-if scenario — validation with JSON paths, defaults, and the output's exact shape.
import { describe, expect, it } from 'vitest';
import { explainScenario, incompatibleOptions, parseScenarioJson } from '../src/index.ts';
import type { ExplainOutput } from '../src/index.ts';

/** A small valid scenario the invalid ones are variations of. */
function base(): Record<string, unknown> {
  return {
    users: [
      { id: 'alice', premium: true, groups: ['finance'] },
      { id: 'bob', groups: ['legal'] },
    ],
    groups: [{ id: 'finance' }, { id: 'legal' }],
    policies: [
      {
        name: 'NoE2EE',
        meetingEndToEndEncryption: 'Disabled',
        callingEndToEndEncryption: 'Disabled',
      },
    ],
    assignments: [{ policy: 'NoE2EE', group: 'legal', rank: 1 }],
    templates: [
      { id: 'sensitive', options: { endToEndEncryption: { value: true, locked: true } } },
    ],
    labels: [{ id: 'hc', meeting: { endToEndEncryption: 'apply' } }],
    meetings: [{ id: 'm1', type: 'meeting', organizer: 'alice', template: 'sensitive' }],
  };
}

function explain(scenario: unknown): ExplainOutput {
  const result = explainScenario(scenario);
  if (result.kind !== 'ok') throw new Error(`invalid: ${JSON.stringify(result.problems)}`);
  return result.output;
}

describe('explainScenario: invalid scenarios name the JSON path of each problem', () => {
  const cases: [string, (s: Record<string, unknown>) => void, [string, string][]][] = [
    [
      'a duplicate rank',
      (s) => {
        s.assignments = [
          { policy: 'NoE2EE', group: 'legal', rank: 1 },
          { policy: 'Global', global: true },
          { policy: 'Global', group: 'finance', rank: 1 },
        ];
      },
      [['$.assignments[2].rank', 'rank 1 is already used by $.assignments[0]']],
    ],
    [
      'an unknown user, group, policy, template and label',
      (s) => {
        s.assignments = [
          { policy: 'Nope', user: 'zed' },
          { policy: 'NoE2EE', group: 'sales', rank: 2 },
        ];
        s.meetings = [
          { id: 'm1', type: 'meeting', organizer: 'alice', template: 'tpl', label: 'lbl' },
        ];
      },
      [
        ['$.assignments[0].user', "unknown user 'zed'"],
        ['$.assignments[1].group', "unknown group 'sales'"],
        ['$.assignments[0].policy', "unknown encryption policy 'Nope'"],
        ['$.meetings[0].template', "unknown template 'tpl'"],
        ['$.meetings[0].label', "unknown sensitivity label 'lbl'"],
      ],
    ],
    [
      'a bad enum value',
      (s) => {
        s.meetings = [{ id: 'm1', type: 'seminar', organizer: 'alice' }];
      },
      [
        [
          '$.meetings[0].type',
          'must be one of "meeting", "channelMeeting", "webinar", "townHall", not "seminar"',
        ],
      ],
    ],
    [
      'a bad policy setting and a bad platform',
      (s) => {
        s.policies = [{ name: 'X', meetingEndToEndEncryption: 'Enabled' }];
        s.joins = [
          { meeting: 'm1', user: 'bob', client: { platform: 'windows95', version: '1.0.0' } },
        ];
      },
      [
        [
          '$.policies[0].meetingEndToEndEncryption',
          'must be one of "Disabled", "DisabledUserOverride"',
        ],
        ['$.joins[0].client.platform', 'must be one of'],
      ],
    ],
    [
      'a misspelt field',
      (s) => {
        s.users = [{ id: 'alice', premuim: true }, { id: 'bob' }];
      },
      [['$.users[0].premuim', 'is not a known field']],
    ],
    [
      'a missing field and a wrong type',
      (s) => {
        s.meetings = [{ id: 'm1', organizer: 'alice', options: { recording: 'yes' } }];
      },
      [
        ['$.meetings[0].type', 'is required (one of "meeting", "channelMeeting"'],
        ['$.meetings[0].options.recording', 'must be a boolean, not "yes"'],
      ],
    ],
    [
      'a version that is not semver',
      (s) => {
        s.tenant = { e2ee: { clients: { minVersion: { windows: '1.4' } } } };
      },
      [['$.tenant.e2ee.clients.minVersion.windows', 'semantic version']],
    ],
    [
      'a cap that is not a positive whole number',
      (s) => {
        s.tenant = { e2ee: { maxParticipants: 0 } };
      },
      [['$.tenant.e2ee.maxParticipants', 'at least 1']],
    ],
    [
      'an assignment with two targets, and a group assignment without rank',
      (s) => {
        s.assignments = [
          { policy: 'NoE2EE', user: 'alice', global: true },
          { policy: 'NoE2EE', group: 'finance' },
          { policy: 'NoE2EE', user: 'bob', rank: 4 },
        ];
      },
      [
        ['$.assignments[0]', 'exactly one target'],
        ['$.assignments[1].rank', 'is required for a group assignment'],
        ['$.assignments[2].rank', 'only a group assignment has a rank'],
      ],
    ],
    [
      'two direct assignments for one user, two org-wide defaults',
      (s) => {
        s.assignments = [
          { policy: 'NoE2EE', user: 'alice' },
          { policy: 'Global', user: 'alice' },
          { policy: 'Global', global: true },
          { policy: 'NoE2EE', global: true },
        ];
      },
      [
        ['$.assignments[1].user', 'already assigned directly at $.assignments[0]'],
        ['$.assignments[3].global', 'already assigned at $.assignments[2]'],
      ],
    ],
    [
      'duplicate ids',
      (s) => {
        s.users = [{ id: 'alice' }, { id: 'bob', groups: ['legal'] }, { id: 'alice' }];
        s.meetings = [
          { id: 'm1', type: 'meeting', organizer: 'alice' },
          { id: 'm1', type: 'webinar', organizer: 'bob' },
        ];
      },
      [
        ['$.users[2].id', "duplicate user 'alice' (already at $.users[0])"],
        ['$.meetings[1].id', "duplicate meeting 'm1'"],
      ],
    ],
    [
      'a duplicate compliance recording rank, and unknown members',
      (s) => {
        s.groups = [{ id: 'finance', members: ['nobody'] }, { id: 'legal' }];
        s.complianceRecording = [
          { group: 'finance', rank: 1 },
          { group: 'legal', rank: 1 },
        ];
      },
      [
        ['$.groups[0].members[0]', "unknown user 'nobody'"],
        ['$.complianceRecording[1].rank', 'rank 1 is already used by $.complianceRecording[0]'],
      ],
    ],
    [
      'a call to oneself and an unknown join user',
      (s) => {
        s.calls = [{ id: 'c1', caller: 'bob', callee: 'bob' }];
        s.joins = [{ meeting: 'm1', user: 'eve', client: { platform: 'web', version: '1.0.0' } }];
      },
      [
        ['$.joins[0].user', "unknown user 'eve'"],
        ['$.calls[0].callee', 'two different users'],
      ],
    ],
    [
      'a structural and a reference problem in different sections',
      (s) => {
        s.policies = [{ name: 'NoE2EE', callingEndToEndEncryption: 'Off' }];
        s.meetings = [{ id: 'm1', type: 'meeting', organizer: 'alice', label: 'nope' }];
        s.meeting = [];
      },
      [
        ['$.meeting', 'is not a known section'],
        ['$.policies[0].callingEndToEndEncryption', 'must be one of'],
        ['$.meetings[0].label', "unknown sensitivity label 'nope'"],
      ],
    ],
    [
      'a section of the wrong type',
      (s) => {
        s.users = { alice: {} };
      },
      [['$.users', 'must be a list, not an object']],
    ],
  ];

  it.each(cases)('%s', (_name, change, expected) => {
    const scenario = base();
    change(scenario);
    const result = explainScenario(scenario);
    expect(result.kind).toBe('invalid');
    if (result.kind !== 'invalid') return;
    expect(result.problems.map((p) => p.path)).toEqual(expected.map(([path]) => path));
    result.problems.forEach((problem, i) => expect(problem.message).toContain(expected[i]![1]));
  });

  it('a scenario that is not an object', () => {
    expect(explainScenario([1, 2])).toEqual({
      kind: 'invalid',
      problems: [{ path: '$', message: 'must be an object, not a list' }],
    });
  });

  it('bad JSON is one problem at $', () => {
    const result = parseScenarioJson('{ "users": [ }');
    expect(result.kind).toBe('invalid');
    if (result.kind !== 'invalid') return;
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]?.path).toBe('$');
    expect(result.problems[0]?.message).toMatch(/^is not valid JSON: /);
  });

  it('parseScenarioJson explains valid JSON like explainScenario', () => {
    expect(parseScenarioJson(JSON.stringify(base()))).toEqual(explainScenario(base()));
  });
});

describe('explainScenario: answers', () => {
  it('an empty scenario is valid and answers nothing', () => {
    expect(explain({})).toEqual({ effectivePolicies: {}, meetings: [], joins: [], calls: [] });
  });

  it('gives every user an effective policy with its source', () => {
    const scenario = base();
    (scenario.users as unknown[]).push({ id: 'carol' });
    scenario.assignments = [
      { policy: 'NoE2EE', group: 'legal', rank: 1 },
      { policy: 'NoE2EE', user: 'alice' },
    ];
    expect(explain(scenario).effectivePolicies).toEqual({
      alice: { policy: 'NoE2EE', source: 'direct' },
      bob: { policy: 'NoE2EE', source: 'group:legal' },
      carol: { policy: 'Global', source: 'global' },
    });
  });

  it('lists all twelve options whenever E2EE is on, in the §8 shape', () => {
    const output = explain(base());
    const meeting = output.meetings[0]!;
    expect(Object.keys(meeting)).toEqual([
      'id',
      'outcome',
      'endToEndEncryption',
      'features',
      'reasons',
    ]);
    expect(meeting.endToEndEncryption).toEqual({ enabled: true, locked: true, source: 'template' });
    expect(Object.keys(meeting.features ?? {})).toEqual([...incompatibleOptions]);
    expect(meeting.features?.recording).toEqual({
      enabled: false,
      locked: true,
      reason: 'FEATURE_UNAVAILABLE_IN_E2EE',
    });
    for (const reason of meeting.reasons) {
      expect(Object.keys(reason).filter((k) => k !== 'option')).toEqual([
        'code',
        'severity',
        'message',
      ]);
    }
  });

  it('a rejected meeting carries only its id, outcome and reasons', () => {
    const scenario = base();
    scenario.meetings = [{ id: 'm1', type: 'meeting', organizer: 'bob', template: 'sensitive' }];
    const [meeting] = explain(scenario).meetings;
    expect(meeting).toEqual({
      id: 'm1',
      outcome: 'rejected',
      reasons: [
        expect.objectContaining({ code: 'TEMPLATE_REQUIRES_E2EE', severity: 'error' }),
        expect.objectContaining({ code: 'E2EE_REQUIRES_PREMIUM', severity: 'error' }),
        expect.objectContaining({ code: 'E2EE_POLICY_DISABLED', severity: 'error' }),
      ],
    });
  });

  it('applies joins in order: admitted joins fill the cap, blocked ones do not', () => {
    const scenario = base();
    scenario.tenant = {
      e2ee: { maxParticipants: 2, clients: { minVersion: { windows: '1.4.0' } } },
    };
    scenario.users = [
      { id: 'alice', premium: true, groups: ['finance'] },
      { id: 'bob', groups: ['legal'] },
      { id: 'carol' },
      { id: 'dave' },
    ];
    scenario.complianceRecording = [{ user: 'dave' }];
    scenario.meetings = [
      { id: 'm1', type: 'meeting', organizer: 'alice', template: 'sensitive' },
      { id: 'm2', type: 'meeting', organizer: 'bob', label: 'hc' },
      { id: 'm3', type: 'meeting', organizer: 'bob' },
    ];
    const web = { platform: 'web', version: '1.0.0' };
    scenario.joins = [
      { meeting: 'm1', user: 'bob', client: { platform: 'windows', version: '1.3.0' } },
      { meeting: 'm1', user: 'dave', client: web },
      { meeting: 'm1', user: 'alice', client: web },
      { meeting: 'm1', user: 'carol', client: { platform: 'windows', version: '1.4.0' } },
      { meeting: 'm1', user: 'bob', client: web },
      { meeting: 'm2', user: 'alice', client: web },
      { meeting: 'nowhere', user: 'alice', client: web },
      { meeting: 'm3', user: 'dave', client: { platform: 'phone' } },
      {
        meeting: 'm1',
        user: 'carol',
        client: { platform: 'macos', version: '1.0.0', e2eeMedia: false },
      },
    ];
    const joins = explain(scenario).joins;
    expect(joins.map((j) => [j.meeting, j.user, j.outcome, j.reasons.map((r) => r.code)])).toEqual([
      ['m1', 'bob', 'blocked', ['CLIENT_NOT_SUPPORTED']],
      ['m1', 'dave', 'blocked', ['COMPLIANCE_RECORDING_BLOCKS_E2EE']],
      ['m1', 'alice', 'admitted', []],
      ['m1', 'carol', 'admitted', []],
      ['m1', 'bob', 'blocked', ['MEETING_FULL']],
      ['m2', 'alice', 'blocked', ['MEETING_NOT_FOUND']],
      ['nowhere', 'alice', 'blocked', ['MEETING_NOT_FOUND']],
      ['m3', 'dave', 'admitted', []],
      ['m1', 'carol', 'blocked', ['CLIENT_NOT_SUPPORTED']],
    ]);
    expect(Object.keys(joins[0]!)).toEqual(['meeting', 'user', 'outcome', 'reasons']);
  });

  it('defaults: premium and e2eeCalls false, the Global policy, tenant defaults', () => {
    const output = explain({
      users: [{ id: 'a' }, { id: 'b', settings: { e2eeCalls: true } }],
      meetings: [
        { id: 'm', type: 'meeting', organizer: 'a', options: { endToEndEncryption: true } },
      ],
      calls: [{ id: 'c', caller: 'a', callee: 'b' }],
    });
    expect(output.meetings[0]?.reasons.map((r) => r.code)).toEqual(['E2EE_REQUIRES_PREMIUM']);
    expect(output.calls).toEqual([
      {
        id: 'c',
        endToEndEncryption: { enabled: false },
        reasons: [
          expect.objectContaining({ code: 'CALL_E2EE_DISABLED_BY_POLICY' }),
          expect.objectContaining({ code: 'CALL_E2EE_OFF_IN_USER_SETTINGS' }),
        ],
      },
    ]);
    expect(output.calls[0]?.reasons[1]?.message).toContain('The caller has not');
  });

  it('a tenant cannot unblock phone dial-in, and blocking more works', () => {
    const output = explain({
      tenant: { e2ee: { clients: { blocked: ['web'] } } },
      users: [{ id: 'a', premium: true }, { id: 'b' }],
      meetings: [
        { id: 'm', type: 'meeting', organizer: 'a', options: { endToEndEncryption: true } },
      ],
      joins: [
        { meeting: 'm', user: 'b', client: { platform: 'phone' } },
        { meeting: 'm', user: 'b', client: { platform: 'web', version: '1.0.0' } },
        { meeting: 'm', user: 'b', client: { platform: 'linux', version: '0.0.1' } },
      ],
    });
    expect(output.joins.map((j) => j.outcome)).toEqual(['blocked', 'blocked', 'admitted']);
  });

  it('is deterministic and does not touch its input', () => {
    const scenario = base();
    const before = JSON.stringify(scenario);
    expect(explain(scenario)).toEqual(explain(scenario));
    expect(JSON.stringify(scenario)).toBe(before);
  });
});
