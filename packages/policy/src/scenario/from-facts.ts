// A live organization's facts written as a `policy explain` scenario (§8): the what-if against the
// live tenant starts from this, so an admin can run it as it is, or edit one policy or assignment
// and run it again to see a change's effect before making it. `factsOf` reads it back unchanged.
import { alwaysBlockedPlatforms } from '../defaults.ts';
import type { ComplianceRecordingAssignment, OrgFacts, PolicyAssignment } from '../types.ts';
import type { Scenario, ScenarioAssignment, ScenarioComplianceRecording } from './schema.ts';

export function scenarioOf(facts: OrgFacts): Scenario {
  const { maxParticipants, clients, postQuantum } = facts.tenant.e2ee;
  return {
    tenant: {
      e2ee: {
        maxParticipants,
        ...(postQuantum === true ? { postQuantum } : {}),
        clients: {
          // The platforms no tenant can allow are added back by `factsOf`; listing them would
          // only suggest that removing them from the scenario changes something.
          blocked: clients.blocked.filter((platform) => !alwaysBlockedPlatforms.includes(platform)),
          minVersion: { ...clients.minVersion },
        },
      },
    },
    users: facts.users.map((user) => ({
      id: user.id,
      ...(user.displayName === undefined ? {} : { displayName: user.displayName }),
      ...(user.role === undefined ? {} : { role: user.role }),
      premium: user.premium,
      groups: [...user.groups],
      settings: { e2eeCalls: user.settings.e2eeCalls },
    })),
    groups: facts.groups.map((group) => ({
      id: group.id,
      ...(group.name === undefined ? {} : { name: group.name }),
      ...(group.members === undefined ? {} : { members: [...group.members] }),
    })),
    policies: facts.policies.map((policy) => ({ ...policy })),
    assignments: facts.assignments.map(assignmentOf),
    complianceRecording: facts.complianceRecording.map(complianceOf),
    templates: facts.templates.map((template) => ({
      id: template.id,
      ...(template.name === undefined ? {} : { name: template.name }),
      options: Object.fromEntries(
        Object.entries(template.options).map(([option, setting]) => [option, { ...setting }]),
      ),
    })),
    labels: facts.labels.map((label) => ({
      id: label.id,
      ...(label.name === undefined ? {} : { name: label.name }),
      meeting: { ...label.meeting },
    })),
  };
}

function assignmentOf(assignment: PolicyAssignment): ScenarioAssignment {
  return { ...assignment };
}

function complianceOf(assignment: ComplianceRecordingAssignment): ScenarioComplianceRecording {
  return { ...assignment };
}
