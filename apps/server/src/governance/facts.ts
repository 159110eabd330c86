// Loads one tenant's facts from storage into the engine's OrgFacts shape. The server applies no
// rule itself: every decision comes from @conclave/policy over these facts.
import type { ComplianceRecordingAssignment, OrgFacts, PolicyAssignment } from '@conclave/policy';
import { ServerError } from '../errors.ts';
import type { AssignmentRecord } from '../storage/records.ts';
import type { Store } from '../storage/store.ts';

function target(assignment: AssignmentRecord) {
  if ('user' in assignment) return { user: assignment.user };
  if ('group' in assignment) return { group: assignment.group, rank: assignment.rank };
  return { global: true as const };
}

export async function loadFacts(store: Store, tenantId: string): Promise<OrgFacts> {
  const [
    tenant,
    users,
    groups,
    policies,
    assignments,
    compliance,
    complianceAssignments,
    templates,
    labels,
  ] = await Promise.all([
    store.tenants.get(tenantId),
    store.users.list(tenantId),
    store.groups.list(tenantId),
    store.encryptionPolicies.list(tenantId),
    store.encryptionAssignments.list(tenantId),
    store.compliancePolicies.list(tenantId),
    store.complianceAssignments.list(tenantId),
    store.templates.list(tenantId),
    store.labels.list(tenantId),
  ]);
  if (tenant === undefined) throw new ServerError('NOT_FOUND', 'No such organization.');
  const enabled = new Map(compliance.map((policy) => [policy.name, policy.enabled]));
  return {
    tenant: { e2ee: tenant.e2ee },
    users: users.map((user) => ({
      id: user.id,
      displayName: user.displayName,
      premium: user.premium,
      groups: user.groups,
      settings: { e2eeCalls: user.e2eeCalls },
    })),
    groups: groups.map((group) => ({ id: group.id })),
    policies: policies.map((policy) => ({ ...policy })),
    assignments: assignments.map((assignment): PolicyAssignment => ({
      policy: assignment.policy,
      ...target(assignment),
    })),
    complianceRecording: complianceAssignments.map((assignment): ComplianceRecordingAssignment => ({
      policy: assignment.policy,
      enabled: enabled.get(assignment.policy) ?? false,
      ...target(assignment),
    })),
    templates,
    labels,
  };
}
