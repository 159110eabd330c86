// A validated scenario as the engine's facts, with §8's defaults filled in.
import {
  alwaysBlockedPlatforms,
  builtInGlobalPolicy,
  defaultMaxParticipants,
  globalPolicyName,
} from '../defaults.ts';
import type {
  ComplianceRecordingAssignment,
  EncryptionPolicy,
  GroupFacts,
  MeetingTemplate,
  OrgFacts,
  PolicyAssignment,
  SensitivityLabel,
  UserFacts,
} from '../types.ts';
import type { Scenario, ScenarioAssignment, ScenarioComplianceRecording } from './schema.ts';

export function factsOf(scenario: Scenario): OrgFacts {
  const clients = scenario.tenant?.e2ee?.clients;
  return {
    tenant: {
      e2ee: {
        maxParticipants: scenario.tenant?.e2ee?.maxParticipants ?? defaultMaxParticipants,
        ...(scenario.tenant?.e2ee?.postQuantum === true ? { postQuantum: true } : {}),
        clients: {
          blocked: [...new Set([...alwaysBlockedPlatforms, ...(clients?.blocked ?? [])])],
          minVersion: { ...clients?.minVersion },
        },
      },
    },
    users: (scenario.users ?? []).map((u): UserFacts => ({
      id: u.id,
      ...(u.displayName === undefined ? {} : { displayName: u.displayName }),
      ...(u.role === undefined ? {} : { role: u.role }),
      premium: u.premium ?? false,
      groups: u.groups ?? [],
      settings: { e2eeCalls: u.settings?.e2eeCalls ?? false },
    })),
    groups: (scenario.groups ?? []).map((g): GroupFacts => ({
      id: g.id,
      ...(g.name === undefined ? {} : { name: g.name }),
      ...(g.members === undefined ? {} : { members: g.members }),
    })),
    policies: (scenario.policies ?? []).map((p): EncryptionPolicy => {
      // A listed Global keeps the built-in settings it does not mention; any other policy is
      // "Not enabled" for what it leaves out, the closed choice.
      const base = p.name === globalPolicyName ? builtInGlobalPolicy() : undefined;
      return {
        name: p.name,
        ...(p.description === undefined ? {} : { description: p.description }),
        meetingEndToEndEncryption:
          p.meetingEndToEndEncryption ?? base?.meetingEndToEndEncryption ?? 'Disabled',
        callingEndToEndEncryption:
          p.callingEndToEndEncryption ?? base?.callingEndToEndEncryption ?? 'Disabled',
      };
    }),
    assignments: (scenario.assignments ?? []).map(assignmentOf),
    complianceRecording: (scenario.complianceRecording ?? []).map(complianceOf),
    templates: (scenario.templates ?? []).map((t): MeetingTemplate => {
      const options: MeetingTemplate['options'] = {};
      for (const [option, setting] of Object.entries(t.options ?? {})) {
        if (setting === undefined) continue;
        options[option as keyof MeetingTemplate['options']] = {
          value: setting.value,
          locked: setting.locked ?? false,
        };
      }
      return { id: t.id, ...(t.name === undefined ? {} : { name: t.name }), options };
    }),
    labels: (scenario.labels ?? []).map((l): SensitivityLabel => ({
      id: l.id,
      ...(l.name === undefined ? {} : { name: l.name }),
      meeting: {
        ...(l.meeting?.endToEndEncryption === undefined
          ? {}
          : { endToEndEncryption: l.meeting.endToEndEncryption }),
        ...(l.meeting?.postQuantumEncryption === undefined
          ? {}
          : { postQuantumEncryption: l.meeting.postQuantumEncryption }),
      },
    })),
  };
}

// references.ts has already checked that each assignment has exactly one target.
function assignmentOf(a: ScenarioAssignment): PolicyAssignment {
  if (a.user !== undefined) return { policy: a.policy, user: a.user };
  if (a.group !== undefined)
    return { policy: a.policy, group: a.group, rank: a.rank ?? Number.MAX_SAFE_INTEGER };
  return { policy: a.policy, global: true };
}

function complianceOf(a: ScenarioComplianceRecording): ComplianceRecordingAssignment {
  const common = {
    ...(a.policy === undefined ? {} : { policy: a.policy }),
    ...(a.enabled === undefined ? {} : { enabled: a.enabled }),
  };
  if (a.user !== undefined) return { ...common, user: a.user };
  if (a.group !== undefined) {
    return { ...common, group: a.group, ...(a.rank === undefined ? {} : { rank: a.rank }) };
  }
  return { ...common, global: true };
}
