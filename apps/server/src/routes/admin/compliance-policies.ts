// Compliance recording policies (spec §1): a user whose effective one is enabled is "under
// compliance recording", which rules out E2EE for their meetings, joins and calls.
import {
  compliancePolicyCreateSchema,
  compliancePolicyListSchema,
  compliancePolicyPatchSchema,
  compliancePolicyResponseSchema,
} from '@conclave/protocol';
import type { AppContext } from '../../context.ts';
import type { Route } from '../../http/route.ts';
import { policyRoutes } from './policy-routes.ts';

export function compliancePolicyRoutes(ctx: AppContext): Route[] {
  return policyRoutes(ctx, {
    what: 'compliance recording policy',
    article: 'A',
    plural: 'compliance recording policies',
    url: '/api/admin/compliance-recording-policies',
    auditName: 'compliance-recording-policy',
    summaries: {
      update: 'Enable or disable a compliance recording policy',
      delete: 'Delete a compliance recording policy that is not assigned',
    },
    schemas: {
      create: compliancePolicyCreateSchema,
      patch: compliancePolicyPatchSchema,
      one: compliancePolicyResponseSchema,
      many: compliancePolicyListSchema,
    },
    policies: (store) => store.compliancePolicies,
    assignments: {
      url: '/api/admin/compliance-recording-assignments',
      auditName: 'compliance-recording-assignment',
      repo: (store) => store.complianceAssignments,
    },
  });
}
