// §2: which encryption policy, and which compliance recording policy, applies to a user.
// Direct assignment, else the best-ranked group, else the org-wide default.
import { builtInGlobalPolicy, globalPolicyName } from './defaults.ts';
import type {
  ComplianceRecordingAssignment,
  EffectivePolicy,
  EncryptionPolicy,
  OrgFacts,
  PolicyAssignment,
} from './types.ts';

/** The groups a user belongs to, whether the user lists the group or the group lists the user. */
export function groupsOf(facts: OrgFacts, userId: string): Set<string> {
  const groups = new Set(facts.users.find((user) => user.id === userId)?.groups ?? []);
  for (const group of facts.groups) {
    if (group.members?.includes(userId)) groups.add(group.id);
  }
  return groups;
}

export function resolveEffectivePolicy(facts: OrgFacts, userId: string): EffectivePolicy {
  const direct = facts.assignments.find(
    (a): a is Extract<PolicyAssignment, { user: string }> => 'user' in a && a.user === userId,
  );
  if (direct) return withPolicy(facts, direct.policy, 'direct');

  const groups = groupsOf(facts, userId);
  let best: Extract<PolicyAssignment, { group: string }> | undefined;
  for (const a of facts.assignments) {
    // Ranks are unique per policy type; should the data hold a tie anyway, the first listed wins
    // so the answer is at least stable.
    if ('group' in a && groups.has(a.group) && (best === undefined || a.rank < best.rank)) best = a;
  }
  if (best) return withPolicy(facts, best.policy, `group:${best.group}`);

  const global = facts.assignments.find((a) => 'global' in a);
  if (global) return withPolicy(facts, global.policy, 'global');
  return { policy: findPolicy(facts, globalPolicyName) ?? builtInGlobalPolicy(), source: 'global' };
}

function findPolicy(facts: OrgFacts, name: string): EncryptionPolicy | undefined {
  return (
    facts.policies.find((policy) => policy.name === name) ??
    (name === globalPolicyName ? builtInGlobalPolicy() : undefined)
  );
}

function withPolicy(
  facts: OrgFacts,
  name: string,
  source: EffectivePolicy['source'],
): EffectivePolicy {
  const policy = findPolicy(facts, name);
  if (policy) return { policy, source };
  // An assignment to a policy that no longer exists must not fall through to a more permissive one.
  return {
    policy: { name, meetingEndToEndEncryption: 'Disabled', callingEndToEndEncryption: 'Disabled' },
    source,
    missing: true,
  };
}

/**
 * Whether the user's effective compliance recording policy is enabled. Resolves like §2; where
 * several group assignments tie (same rank, or no rank), the user is under recording if any of
 * them records, because a recording obligation must never be dropped by accident.
 */
export function isUnderComplianceRecording(facts: OrgFacts, userId: string): boolean {
  const records = (a: ComplianceRecordingAssignment): boolean => a.enabled !== false;

  const direct = facts.complianceRecording.find((a) => 'user' in a && a.user === userId);
  if (direct) return records(direct);

  const groups = groupsOf(facts, userId);
  const ofGroups = facts.complianceRecording.filter(
    (a): a is Extract<ComplianceRecordingAssignment, { group: string }> =>
      'group' in a && groups.has(a.group),
  );
  if (ofGroups.length > 0) {
    const rankOf = (a: { rank?: number }): number => a.rank ?? Number.POSITIVE_INFINITY;
    const bestRank = Math.min(...ofGroups.map(rankOf));
    return ofGroups.filter((a) => rankOf(a) === bestRank).some(records);
  }

  return facts.complianceRecording.filter((a) => 'global' in a).some(records);
}
