// Encryption policies (spec §1): the built-in `Global` always exists and cannot be deleted.
import {
  encryptionPolicyCreateSchema,
  encryptionPolicyListSchema,
  encryptionPolicyPatchSchema,
  encryptionPolicyResponseSchema,
} from '@conclave/protocol';
import { builtInGlobalPolicy } from '@conclave/policy';
import type { AppContext } from '../../context.ts';
import type { Route } from '../../http/route.ts';
import { policyRoutes } from './policy-routes.ts';

const globalPolicyName = builtInGlobalPolicy().name;

export function encryptionPolicyRoutes(ctx: AppContext): Route[] {
  return policyRoutes(ctx, {
    what: 'encryption policy',
    article: 'An',
    plural: 'encryption policies',
    url: '/api/admin/encryption-policies',
    auditName: 'encryption-policy',
    summaries: {
      update:
        'Change an encryption policy (takes effect for meetings scheduled or started afterwards)',
      delete: 'Delete an encryption policy that is not assigned (Global cannot be deleted)',
    },
    schemas: {
      create: encryptionPolicyCreateSchema,
      patch: encryptionPolicyPatchSchema,
      one: encryptionPolicyResponseSchema,
      many: encryptionPolicyListSchema,
    },
    policies: (store) => store.encryptionPolicies,
    undeletable: (policy) =>
      policy.name === globalPolicyName
        ? 'The built-in Global policy cannot be deleted; change its settings instead.'
        : undefined,
    assignments: {
      url: '/api/admin/encryption-policy-assignments',
      auditName: 'encryption-policy-assignment',
      repo: (store) => store.encryptionAssignments,
    },
  });
}
