// Post-quantum E2EE meetings (issue 13): a tenant setting and a sensitivity-label setting that
// require the X-Wing suite; a client that cannot do it is blocked with the reason, never
// downgraded; `policy explain` shows both.
import { describe, expect, it } from 'vitest';
import { decideJoin, decideSchedule, explainScenario, postQuantumDemand } from '../src/index.ts';
import type { OrgFacts } from '../src/index.ts';

const base = (): OrgFacts => ({
  tenant: { e2ee: { maxParticipants: 200, clients: { blocked: [], minVersion: {} } } },
  users: [{ id: 'alice', premium: true, groups: [], settings: { e2eeCalls: false } }],
  groups: [],
  policies: [
    {
      name: 'Global',
      meetingEndToEndEncryption: 'DisabledUserOverride',
      callingEndToEndEncryption: 'Disabled',
    },
  ],
  assignments: [{ policy: 'Global', global: true }],
  complianceRecording: [],
  templates: [],
  labels: [
    {
      id: 'secret',
      name: 'Secret',
      meeting: { endToEndEncryption: 'apply', postQuantumEncryption: 'require' },
    },
    { id: 'plain', meeting: {} },
  ],
});

const e2ee = {
  type: 'meeting' as const,
  organizer: 'alice',
  options: { endToEndEncryption: true },
};

describe('what requires the post-quantum suite', () => {
  it('the tenant setting makes every E2EE meeting post-quantum, with an info reason', () => {
    const facts = base();
    facts.tenant.e2ee.postQuantum = true;
    const decision = decideSchedule(facts, e2ee);
    if (decision.outcome !== 'scheduled') throw new Error('rejected');
    expect(decision.endToEndEncryption).toEqual({
      enabled: true,
      locked: false,
      source: 'organizer',
      postQuantum: { source: 'tenant' },
    });
    const reason = decision.reasons.find((r) => r.code === 'POST_QUANTUM_REQUIRED');
    expect(reason?.severity).toBe('info');
    expect(reason?.message).toContain("this organization's setting requires it");
  });

  it("a label's setting requires it for its meetings only, and is named first", () => {
    const facts = base();
    const labelled = decideSchedule(facts, { ...e2ee, label: 'secret', options: {} });
    if (labelled.outcome !== 'scheduled') throw new Error('rejected');
    expect(labelled.endToEndEncryption.postQuantum).toEqual({ source: 'label' });
    expect(labelled.reasons.map((r) => r.message).join(' ')).toContain(
      "sensitivity label 'Secret'",
    );
    const other = decideSchedule(facts, { ...e2ee, label: 'plain' });
    if (other.outcome !== 'scheduled') throw new Error('rejected');
    expect(other.endToEndEncryption.postQuantum).toBeUndefined();
    facts.tenant.e2ee.postQuantum = true;
    expect(postQuantumDemand(facts, 'secret')).toEqual({ kind: 'label', label: 'Secret' });
    expect(postQuantumDemand(facts, 'plain')).toEqual({ kind: 'tenant' });
  });

  it('leaves a meeting without E2EE alone', () => {
    const facts = base();
    facts.tenant.e2ee.postQuantum = true;
    const decision = decideSchedule(facts, { type: 'meeting', organizer: 'alice', options: {} });
    if (decision.outcome !== 'scheduled') throw new Error('rejected');
    expect(decision.endToEndEncryption).toEqual({
      enabled: false,
      locked: false,
      source: 'default',
    });
    expect(decision.reasons.some((r) => r.code === 'POST_QUANTUM_REQUIRED')).toBe(false);
  });
});

describe('joining a post-quantum meeting', () => {
  const meeting = { endToEndEncryption: true, postQuantum: { kind: 'tenant' as const } };
  const web = { platform: 'web' as const, version: '1.0.0' };

  it('blocks a client that does not declare the suite (an older client), with the reason', () => {
    const decision = decideJoin(base(), meeting, 'alice', web, 0);
    expect(decision.outcome).toBe('blocked');
    expect(decision.reasons).toHaveLength(1);
    expect(decision.reasons[0]).toMatchObject({ code: 'POST_QUANTUM_REQUIRED', severity: 'error' });
    expect(decision.reasons[0]!.message).toContain('never joined with weaker encryption');
    expect(decideJoin(base(), meeting, 'alice', { ...web, postQuantum: false }, 0).outcome).toBe(
      'blocked',
    );
  });

  it('admits a client that can do it, and a classic meeting does not ask', () => {
    expect(decideJoin(base(), meeting, 'alice', { ...web, postQuantum: true }, 0).outcome).toBe(
      'admitted',
    );
    expect(decideJoin(base(), { endToEndEncryption: true }, 'alice', web, 0).outcome).toBe(
      'admitted',
    );
  });

  it('says first that a client cannot do E2EE at all', () => {
    const decision = decideJoin(base(), meeting, 'alice', { ...web, e2eeMedia: false }, 0);
    expect(decision.reasons[0]!.code).toBe('CLIENT_NOT_SUPPORTED');
  });
});

describe('policy explain', () => {
  it('shows the requirement on the meeting and the blocked join with its reason', () => {
    const result = explainScenario({
      tenant: { e2ee: { postQuantum: true } },
      users: [{ id: 'alice', premium: true }, { id: 'bob' }, { id: 'carol' }],
      labels: [{ id: 'secret', meeting: { postQuantumEncryption: 'require' } }],
      meetings: [
        {
          id: 'm1',
          type: 'meeting',
          organizer: 'alice',
          label: 'secret',
          options: { endToEndEncryption: true },
        },
      ],
      joins: [
        { meeting: 'm1', user: 'bob', client: { platform: 'web', version: '1.0.0' } },
        {
          meeting: 'm1',
          user: 'carol',
          client: { platform: 'web', version: '1.0.0', postQuantum: true },
        },
      ],
    });
    if (result.kind !== 'ok') throw new Error(JSON.stringify(result.problems));
    const [m1] = result.output.meetings;
    expect(m1!.endToEndEncryption).toEqual({
      enabled: true,
      locked: false,
      source: 'organizer',
      postQuantum: { source: 'label' },
    });
    expect(m1!.reasons).toContainEqual({
      code: 'POST_QUANTUM_REQUIRED',
      severity: 'info',
      message:
        "This meeting uses post-quantum end-to-end encryption (X-Wing hybrid MLS with SFrame AES-256-GCM); the sensitivity label 'secret' requires it.",
    });
    expect(
      result.output.joins.map((j) => [j.user, j.outcome, j.reasons.map((r) => r.code)]),
    ).toEqual([
      ['bob', 'blocked', ['POST_QUANTUM_REQUIRED']],
      ['carol', 'admitted', []],
    ]);
  });

  it('refuses a bad value for the settings with the JSON path', () => {
    const result = explainScenario({ tenant: { e2ee: { postQuantum: 'yes' } } });
    expect(result.kind).toBe('invalid');
    if (result.kind === 'invalid')
      expect(result.problems[0]!.path).toBe('$.tenant.e2ee.postQuantum');
  });
});
