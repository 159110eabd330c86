// The what-if against the live organization (issue: "pick a user and a meeting, or a draft policy
// change, and see the decision with its reasons"): decided over the stored facts as they are now,
// and the scenario it ran comes back so a change can be tried on it before it is made.
import { explainScenario } from '@conclave/policy';
import { liveExplainResponseSchema, meetingResponseSchema } from '@conclave/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteDatabase } from './support/databases.ts';
import { fails, ok } from './support/http.ts';
import { startOrg } from './support/org.ts';
import type { Org } from './support/org.ts';

interface Join {
  user: string;
  outcome: string;
  reasons: { code: string; message: string }[];
}
interface Output {
  effectivePolicies: Record<string, { policy: string; source: string }>;
  meetings: { id: string; outcome: string; reasons: { code: string }[] }[];
  joins: Join[];
}

describe('what-if against the live organization', () => {
  let org: Org;
  const live = async (body: unknown) =>
    ok(
      await org.admin.call('POST', '/api/admin/policy-explain/live', body),
      liveExplainResponseSchema,
    );

  beforeAll(async () => {
    org = await startOrg(sqliteDatabase(), 'live');
  });
  afterAll(async () => {
    await org?.close();
  });

  it("decides a person's join to a stored meeting with the organization's rules and reasons", async () => {
    const meeting = ok(
      await org.users.erin.call('POST', '/api/meetings', {
        subject: 'Board',
        options: { endToEndEncryption: true },
      }),
      meetingResponseSchema,
      201,
    ).meeting;
    // Carol is under compliance recording (group legal): she cannot join an E2EE meeting.
    const answer = await live({
      user: org.users.carol.userId,
      meeting: meeting.id,
      client: { platform: 'windows', version: '1.0.0' },
    });
    const output = answer.output as unknown as Output;
    expect(output.meetings[0]).toMatchObject({ id: meeting.id, outcome: 'scheduled' });
    expect(output.joins[0]?.outcome).toBe('blocked');
    expect(output.joins[0]?.reasons.map((r) => r.code)).toEqual([
      'COMPLIANCE_RECORDING_BLOCKS_E2EE',
    ]);
    // Erin may join from the same client.
    const erin = await live({
      user: org.users.erin.userId,
      meeting: meeting.id,
      client: { platform: 'windows', version: '1.0.0' },
    });
    expect((erin.output as unknown as Output).joins[0]?.outcome).toBe('admitted');
  });

  it('answers for a new E2EE meeting the person would organize, with where their policy comes from', async () => {
    const answer = await live({ user: org.users.alice.userId, client: { platform: 'web' } });
    const output = answer.output as unknown as Output;
    expect(output.effectivePolicies[org.users.alice.userId]).toEqual({
      policy: 'NoE2EE',
      source: 'group:finance',
    });
    expect(output.meetings[0]?.outcome).toBe('rejected');
    expect(output.meetings[0]?.reasons.map((r) => r.code)).toContain('E2EE_POLICY_DISABLED');
  });

  it('returns the scenario it ran, so a draft policy change can be tried on it without changing anything', async () => {
    const { scenario } = await live({ user: org.users.alice.userId, client: { platform: 'web' } });
    // The draft: Alice gets the Global policy directly (a direct assignment beats her group's).
    const assignments = [
      ...(scenario.assignments as unknown[]),
      { policy: 'Global', user: org.users.alice.userId },
    ];
    const result = explainScenario({ ...scenario, assignments });
    expect(result.kind).toBe('ok');
    const output = (result as unknown as { output: Output }).output;
    expect(output.effectivePolicies[org.users.alice.userId]).toEqual({
      policy: 'Global',
      source: 'direct',
    });
    expect(output.meetings[0]?.outcome).toBe('scheduled');
    // Nothing changed in the organization: the live answer is as before.
    const again = await live({ user: org.users.alice.userId, client: { platform: 'web' } });
    expect((again.output as unknown as Output).meetings[0]?.outcome).toBe('rejected');
  });

  it('refuses unknown people and meetings, bad client versions, and anyone but an admin', async () => {
    const unknownUser = fails(
      await org.admin.call('POST', '/api/admin/policy-explain/live', {
        user: 'nobody',
        client: { platform: 'web' },
      }),
      404,
      'NOT_FOUND',
    );
    expect(unknownUser.fields?.map((f) => f.path)).toEqual(['$.user']);
    fails(
      await org.admin.call('POST', '/api/admin/policy-explain/live', {
        user: org.users.erin.userId,
        meeting: 'no-such-meeting',
        client: { platform: 'web' },
      }),
      404,
      'NOT_FOUND',
    );
    const badVersion = fails(
      await org.admin.call('POST', '/api/admin/policy-explain/live', {
        user: org.users.erin.userId,
        client: { platform: 'web', version: 'latest' },
      }),
      400,
      'INVALID_INPUT',
    );
    expect(badVersion.fields?.[0]?.message).toContain('1.4.0');
    fails(
      await org.users.erin.call('POST', '/api/admin/policy-explain/live', {
        user: org.users.erin.userId,
        client: { platform: 'web' },
      }),
      403,
      'FORBIDDEN',
    );
  });
});
