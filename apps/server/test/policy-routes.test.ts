// The policy route factory (routes/admin/policy-routes.ts) over real HTTP, for both policy types:
// the same life cycle, each type's own messages and audit names, and each type's own rules.
import {
  assignmentResponseSchema,
  auditListSchema,
  compliancePolicyListSchema,
  compliancePolicyResponseSchema,
  encryptionPolicyListSchema,
  encryptionPolicyResponseSchema,
  okSchema,
} from '@conclave/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { sqliteDatabase } from './support/databases.ts';
import { fails, ok } from './support/http.ts';
import { startOrg } from './support/org.ts';
import type { Org } from './support/org.ts';

interface PolicyType {
  url: string;
  assignmentsUrl: string;
  auditName: string;
  /** How a duplicate is refused: the article and what the policy is called. */
  named: string;
  create: Record<string, unknown>;
  patch: Record<string, unknown>;
  changes: Record<string, { from: unknown; to: unknown }>;
  one: z.ZodType<{ policy: { name: string } }>;
  many: z.ZodType<{ policies: { name: string }[] }>;
}

const types: Record<'encryption' | 'compliance', PolicyType> = {
  encryption: {
    url: '/api/admin/encryption-policies',
    assignmentsUrl: '/api/admin/encryption-policy-assignments',
    auditName: 'encryption-policy',
    named: 'An encryption policy named',
    create: { name: 'Factory', description: 'first' },
    patch: { description: 'second', callingEndToEndEncryption: 'DisabledUserOverride' },
    changes: {
      description: { from: 'first', to: 'second' },
      callingEndToEndEncryption: { from: 'Disabled', to: 'DisabledUserOverride' },
    },
    one: encryptionPolicyResponseSchema,
    many: encryptionPolicyListSchema,
  },
  compliance: {
    url: '/api/admin/compliance-recording-policies',
    assignmentsUrl: '/api/admin/compliance-recording-assignments',
    auditName: 'compliance-recording-policy',
    named: 'A compliance recording policy named',
    create: { name: 'Factory' },
    patch: { enabled: false },
    changes: { enabled: { from: true, to: false } },
    one: compliancePolicyResponseSchema,
    many: compliancePolicyListSchema,
  },
};

describe('policy routes', () => {
  let org: Org;
  beforeAll(async () => {
    org = await startOrg(sqliteDatabase(), 'factory');
  });
  afterAll(async () => {
    await org?.close();
  });

  for (const [name, type] of Object.entries(types)) {
    it(`runs the ${name} policy life cycle with its own messages and audit names`, async () => {
      const { admin } = org;
      ok(await admin.call('POST', type.url, type.create), type.one, 201);
      const duplicate = fails(await admin.call('POST', type.url, type.create), 409, 'CONFLICT');
      expect(duplicate.message).toBe(`${type.named} 'Factory' already exists.`);
      const listed = ok(await admin.call('GET', type.url), type.many).policies;
      expect(listed.map((p) => p.name)).toContain('Factory');

      const changed = ok(await admin.call('PATCH', `${type.url}/Factory`, type.patch), type.one);
      expect(changed.policy).toMatchObject(type.patch);
      expect(ok(await admin.call('GET', `${type.url}/Factory`), type.one)).toEqual(changed);

      const assignment = ok(
        await admin.call('POST', type.assignmentsUrl, {
          policy: 'Factory',
          user: org.users.erin.userId,
        }),
        assignmentResponseSchema,
        201,
      ).assignment;
      const assigned = fails(await admin.call('DELETE', `${type.url}/Factory`), 409, 'CONFLICT');
      expect(assigned.message).toBe(
        "The policy 'Factory' is assigned 1 time(s); remove its assignments first.",
      );
      ok(await admin.call('DELETE', `${type.assignmentsUrl}/${assignment.id}`), okSchema);
      ok(await admin.call('DELETE', `${type.url}/Factory`), okSchema);
      fails(await admin.call('GET', `${type.url}/Factory`), 404, 'NOT_FOUND');
      fails(await admin.call('PATCH', `${type.url}/Factory`, type.patch), 404, 'NOT_FOUND');

      const audit = ok(await admin.call('GET', '/api/admin/audit?limit=500'), auditListSchema);
      const mine = audit.entries.filter((e) => e.subject === `${type.auditName}:Factory`);
      expect(mine.map((e) => e.kind).reverse()).toEqual(
        ['created', 'changed', 'deleted'].map((verb) => `${type.auditName}.${verb}`),
      );
      expect(mine.find((e) => e.kind.endsWith('.changed'))?.details).toEqual({
        changes: type.changes,
      });
    });

    it(`lets only admins reach the ${name} policies`, async () => {
      fails(await org.users.erin.call('GET', type.url), 403, 'FORBIDDEN');
      fails(await org.users.erin.call('POST', type.url, { name: 'Mine' }), 403, 'FORBIDDEN');
    });
  }

  it('keeps the encryption rule that Global cannot be deleted, and compliance has no such rule', async () => {
    const refusal = fails(
      await org.admin.call('DELETE', '/api/admin/encryption-policies/Global'),
      409,
      'CONFLICT',
    );
    expect(refusal.message).toBe(
      'The built-in Global policy cannot be deleted; change its settings instead.',
    );
    ok(
      await org.admin.call('POST', '/api/admin/compliance-recording-policies', { name: 'Global' }),
      compliancePolicyResponseSchema,
      201,
    );
    ok(await org.admin.call('DELETE', '/api/admin/compliance-recording-policies/Global'), okSchema);
  });
});
