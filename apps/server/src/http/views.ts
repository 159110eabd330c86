// Storage records as the wire shows them (@conclave/protocol): ISO times, nulls for absent links.
import type { AssignmentView, AuditEntryView, MeetingView, UserView } from '@conclave/protocol';
import type {
  AssignmentRecord,
  AuditRecord,
  CallRecord,
  DeviceRecord,
  GroupRecord,
  MeetingRecord,
  TenantRecord,
  UserRecord,
} from '../storage/records.ts';
import { localTimeOf, standingOf } from '../calendar/occurrences.ts';

export const iso = (ms: number): string => new Date(ms).toISOString();

export function userView(user: UserRecord): UserView {
  return {
    id: user.id,
    tenantId: user.tenantId,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    premium: user.premium,
    groups: user.groups,
    settings: { e2eeCalls: user.e2eeCalls },
    mustChangePassword: user.mustChangePassword,
    disabled: user.disabledAt !== undefined,
    createdAt: iso(user.createdAt),
  };
}

export function groupView(group: GroupRecord) {
  return {
    id: group.id,
    name: group.name,
    members: group.members,
    createdAt: iso(group.createdAt),
  };
}

export function deviceView(device: DeviceRecord) {
  return {
    id: device.id,
    name: device.name,
    signaturePublicKey: device.signaturePublicKey,
    createdAt: iso(device.createdAt),
  };
}

export function tenantView(tenant: TenantRecord) {
  return { id: tenant.id, name: tenant.name, e2ee: tenant.e2ee };
}

export function assignmentView(assignment: AssignmentRecord): AssignmentView {
  const base = {
    id: assignment.id,
    policy: assignment.policy,
    createdAt: iso(assignment.createdAt),
  };
  if ('user' in assignment) return { ...base, user: assignment.user };
  if ('group' in assignment) return { ...base, group: assignment.group, rank: assignment.rank };
  return { ...base, global: true };
}

/** A meeting as its readers see it at `now` (upcoming or past, and which occurrence). */
export function meetingView(meeting: MeetingRecord, now: number): MeetingView {
  const standing = standingOf(meeting, meeting.state, meeting.endedAt, now);
  return {
    id: meeting.id,
    subject: meeting.subject,
    type: meeting.type,
    organizer: meeting.organizer,
    template: meeting.template,
    label: meeting.label,
    options: meeting.options,
    invitees: meeting.invitees,
    state: meeting.state,
    endToEndEncryption: meeting.decision.endToEndEncryption,
    features: meeting.decision.features,
    createdAt: iso(meeting.createdAt),
    startedAt: meeting.startedAt === null ? null : iso(meeting.startedAt),
    endedAt: meeting.endedAt === null ? null : iso(meeting.endedAt),
    start: iso(meeting.startAt),
    localStart: localTimeOf(meeting.startAt, meeting.timeZone),
    timeZone: meeting.timeZone,
    durationMinutes: meeting.durationMinutes,
    recurrence: meeting.recurrence,
    when: standing.when,
    occurrence: { start: iso(standing.occurrence.start), end: iso(standing.occurrence.end) },
  };
}

export function callView(call: CallRecord) {
  return {
    id: call.id,
    caller: call.caller,
    callee: call.callee,
    endToEndEncryption: call.decision.endToEndEncryption,
    state: call.state,
    createdAt: iso(call.createdAt),
    ringDeadline: iso(call.ringDeadline),
    answeredAt: call.answeredAt === null ? null : iso(call.answeredAt),
    endedAt: call.endedAt === null ? null : iso(call.endedAt),
  };
}

export function auditView(entry: AuditRecord, subjectName?: string): AuditEntryView {
  return {
    id: entry.id,
    at: iso(entry.at),
    actor: entry.actor,
    kind: entry.kind,
    subject: entry.subject,
    ...(subjectName === undefined ? {} : { subjectName }),
    details: entry.details,
  };
}
