// What the repositories read and write: the tenant's objects (spec §1) as the server holds them.
// Times are milliseconds since the epoch; the HTTP layer turns them into ISO strings.
import type {
  CallDecision,
  E2eeSetting,
  MeetingDecision,
  MeetingOptions,
  MeetingTemplate,
  MeetingType,
  SensitivityLabel,
  TenantE2eeSettings,
} from '@conclave/policy';
import type { Recurrence } from '@conclave/protocol';
import type { CallState } from '@conclave/protocol';

export type Role = 'admin' | 'user';

export interface TenantRecord {
  id: string;
  name: string;
  e2ee: TenantE2eeSettings;
  createdAt: number;
}

export interface UserRecord {
  tenantId: string;
  id: string;
  email: string;
  displayName: string;
  role: Role;
  premium: boolean;
  e2eeCalls: boolean;
  /** The password is one-time: until changed, the user's sessions may only change it. */
  mustChangePassword: boolean;
  /** When an admin disabled the account; undefined while it is enabled. */
  disabledAt: number | undefined;
  /** Ids of the groups the user is a member of. */
  groups: string[];
  createdAt: number;
}

export interface NewUser {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  premium: boolean;
  e2eeCalls: boolean;
  passwordHash: string;
  /** Absent: false. */
  mustChangePassword?: boolean | undefined;
  createdAt: number;
}

/** Fields to change; absent or undefined ones stay as they are. */
export interface UserChanges {
  email?: string | undefined;
  displayName?: string | undefined;
  role?: Role | undefined;
  premium?: boolean | undefined;
  e2eeCalls?: boolean | undefined;
  passwordHash?: string | undefined;
  mustChangePassword?: boolean | undefined;
  /** A time disables the account, null enables it again. */
  disabledAt?: number | null | undefined;
}

export interface GroupRecord {
  id: string;
  name: string;
  members: string[];
  createdAt: number;
}

export interface SessionRecord {
  tenantId: string;
  userId: string;
  expiresAt: number;
}

export interface DeviceRecord {
  id: string;
  userId: string;
  name: string;
  signaturePublicKey: string;
  createdAt: number;
}

export interface EncryptionPolicyRecord {
  name: string;
  description: string;
  meetingEndToEndEncryption: E2eeSetting;
  callingEndToEndEncryption: E2eeSetting;
}

export interface CompliancePolicyRecord {
  name: string;
  enabled: boolean;
}

export type AssignmentTarget =
  { user: string } | { group: string; rank: number } | { global: true };

export type AssignmentRecord = { id: string; policy: string; createdAt: number } & AssignmentTarget;

export type TemplateRecord = MeetingTemplate & { name: string };
export type LabelRecord = SensitivityLabel & { name: string };

export type MeetingState = 'scheduled' | 'started' | 'ended';
export type ScheduledDecision = Extract<MeetingDecision, { outcome: 'scheduled' }>;

export interface MeetingRecord {
  id: string;
  subject: string;
  type: MeetingType;
  organizer: string;
  template: string | null;
  label: string | null;
  options: MeetingOptions;
  invitees: string[];
  state: MeetingState;
  /** The engine's last decision: at scheduling, at the last options change, or at start. */
  decision: ScheduledDecision;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
  /** When it happens (calendar/occurrences.ts): the first start, its zone, length and recurrence. */
  startAt: number;
  timeZone: string;
  durationMinutes: number;
  recurrence: Recurrence | null;
}

export interface CallRecord {
  id: string;
  caller: string;
  callee: string;
  decision: CallDecision;
  /** Placed, and so started ringing. */
  createdAt: number;
  /** As stored; read it through `lifeAt` (calls/call-life.ts): ringing past the deadline is missed. */
  state: CallState;
  ringDeadline: number;
  answeredAt: number | null;
  endedAt: number | null;
  /**
   * E2EE calls: the admission the caller's device signed naming the callee (standard padded
   * base64, as sent; checked before it was stored). Null until the caller hands it in.
   */
  admission: { readonly statement: string; readonly signature: string } | null;
}

export interface AuditActor {
  id: string;
  displayName: string;
}

export interface AuditRecord {
  id: string;
  at: number;
  actor: AuditActor | null;
  kind: string;
  subject: string;
  details: Record<string, unknown>;
}

export interface NewAuditEntry {
  at: number;
  actor: AuditActor | null;
  kind: string;
  subject: string;
  details: Record<string, unknown>;
}

export interface AuditQuery {
  limit: number;
  /** Only entries with a smaller id. */
  before?: string;
  /** An exact kind, or a family: `meeting` matches `meeting.*`. */
  kind?: string;
  /** Entries at or after this time (ms). */
  from?: number;
  /** Entries before this time (ms). */
  to?: number;
}
