// The what-if against the live organization starts from its facts written as a scenario: the
// scenario must say exactly what the facts say, or the what-if would answer for another tenant.
import { describe, expect, it } from 'vitest';
import { explainScenario, scenarioOf } from '../src/index.ts';
import type { ExplainOutput, OrgFacts } from '../src/index.ts';
import { factsOf } from '../src/scenario/facts.ts';
import { ids, org } from './org.ts';

function richOrg(): OrgFacts {
  const facts = org();
  return {
    ...facts,
    tenant: {
      e2ee: {
        maxParticipants: 50,
        clients: { blocked: ['vdi', 'cvi', 'phone', 'web'], minVersion: { windows: '1.4.0' } },
      },
    },
    groups: [{ id: 'finance', name: 'Finance', members: [ids.bob] }, { id: 'legal' }],
    assignments: [
      ...facts.assignments,
      { policy: 'NoE2EE', user: ids.alice },
      { policy: 'Global', global: true },
    ],
    complianceRecording: [
      { policy: 'Record legal', enabled: true, group: 'legal', rank: 2 },
      { policy: 'Paused', enabled: false, user: ids.alice },
    ],
    templates: [
      ...facts.templates,
      {
        id: 'recorded',
        name: 'Recorded town hall',
        options: {
          endToEndEncryption: { value: false, locked: true },
          recording: { value: true, locked: true },
        },
      },
    ],
  };
}

function sorted(facts: OrgFacts): OrgFacts {
  const blocked = [...facts.tenant.e2ee.clients.blocked].sort();
  return {
    ...facts,
    tenant: { e2ee: { ...facts.tenant.e2ee, clients: { ...facts.tenant.e2ee.clients, blocked } } },
  };
}

describe('the live organization as a scenario', () => {
  it('reads back as the same facts', () => {
    const facts = richOrg();
    const scenario = scenarioOf(facts);
    expect(sorted(factsOf(scenario))).toEqual(sorted(facts));
  });

  it('is a valid scenario the engine answers for, template options included', () => {
    const scenario = {
      ...scenarioOf(richOrg()),
      meetings: [
        { id: 'm1', type: 'meeting' as const, organizer: ids.alice, template: 'recorded' },
        { id: 'm2', type: 'meeting' as const, organizer: ids.alice, template: 'sensitive' },
      ],
      joins: [{ meeting: 'm1', user: ids.bob, client: { platform: 'web' as const } }],
    };
    const result = explainScenario(scenario);
    expect(result.kind).toBe('ok');
    const output = (result as { output: ExplainOutput }).output;
    // Alice's direct assignment beats the global one; the template keeps E2EE off.
    expect(output.effectivePolicies[ids.alice]).toEqual({ policy: 'NoE2EE', source: 'direct' });
    expect(output.meetings[0]?.endToEndEncryption?.enabled).toBe(false);
    // Alice may not hold E2EE meetings now, so a template that requires it refuses her meeting.
    expect(output.meetings[1]?.outcome).toBe('rejected');
    expect(output.meetings[1]?.reasons.map((r) => r.code)).toContain('E2EE_POLICY_DISABLED');
    // The tenant blocks web clients only for E2EE meetings; this one is standard.
    expect(output.joins[0]?.outcome).toBe('admitted');
  });

  it('does not list the platforms no tenant can allow', () => {
    const blocked = scenarioOf(richOrg()).tenant?.e2ee?.clients?.blocked;
    expect(blocked).toEqual(['web']);
  });
});
