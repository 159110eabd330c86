// The REST shapes the CLI reads and sends, as the server contract defines them. The CLI displays
// what the server decides and never re-applies a rule, so these are typed views, not validators:
// extra fields are passed through untouched in `--json` output.

// The vocabulary is the governance engine's own, so a new option or platform reaches the CLI too.
import type { E2eeSetting, IncompatibleOption, MeetingType, Platform } from '@conclave/policy';

export { e2eeSettings, incompatibleOptions, meetingTypes, platforms } from '@conclave/policy';
export type { E2eeSetting, IncompatibleOption, MeetingType, Platform };

export interface Reason {
  code: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  option?: string;
}

export interface ApiErrorBody {
  error: {
    code: string;
    message: string;
    fields?: { path: string; message: string }[];
    reasons?: Reason[];
  };
}

export interface User {
  id: string;
  tenantId?: string;
  email: string;
  displayName: string;
  role: 'admin' | 'user';
  premium: boolean;
  groups?: string[];
  settings?: { e2eeCalls: boolean };
}

export interface SignInResponse {
  token: string;
  expiresAt: string;
  user: User;
  /** Sent back with later sign-ins from this machine (config/known-devices.ts). */
  deviceToken?: string;
}

export interface DirectoryUser {
  id: string;
  displayName: string;
  email?: string;
}

export interface Group {
  id: string;
  name: string;
  members: string[];
}

export interface EncryptionPolicy {
  name: string;
  description?: string;
  meetingEndToEndEncryption: E2eeSetting;
  callingEndToEndEncryption: E2eeSetting;
}

/** Encryption and compliance recording assignments share one shape. */
export interface Assignment {
  id: string;
  policy: string;
  user?: string;
  group?: string;
  rank?: number;
  global?: boolean;
}

export interface ComplianceRecordingPolicy {
  name: string;
  enabled: boolean;
}

export interface TemplateOption {
  value: boolean;
  locked: boolean;
}

export interface Template {
  id: string;
  name: string;
  options: Partial<Record<'endToEndEncryption' | IncompatibleOption, TemplateOption>>;
}

export interface Label {
  id: string;
  name: string;
  meeting: { endToEndEncryption?: 'apply' | 'dontApply' };
}

export interface Tenant {
  id: string;
  name: string;
  e2ee: {
    maxParticipants: number;
    clients: { blocked: Platform[]; minVersion: Partial<Record<Platform, string>> };
  };
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: { id: string; displayName: string } | null;
  kind: string;
  subject: string | null;
  details: unknown;
}

export interface FeatureState {
  enabled: boolean;
  locked: boolean;
  reason?: string;
}

export interface E2eeState {
  enabled: boolean;
  locked: boolean;
  source: 'label' | 'template' | 'organizer' | 'default';
}

export type MeetingDecision =
  | {
      outcome: 'scheduled';
      endToEndEncryption: E2eeState;
      features: Partial<Record<IncompatibleOption, FeatureState>>;
      reasons: Reason[];
    }
  | { outcome: 'rejected'; reasons: Reason[] };

export type MeetingOptions = { endToEndEncryption?: boolean } & Partial<
  Record<IncompatibleOption, boolean>
>;

export interface Meeting {
  id: string;
  subject: string;
  type: MeetingType;
  organizer: string;
  template: string | null;
  label: string | null;
  options: MeetingOptions;
  state: 'scheduled' | 'started' | 'ended';
  endToEndEncryption: E2eeState;
  features: Partial<Record<IncompatibleOption, FeatureState>>;
  createdAt: string;
}

export interface MeetingWithDecision {
  meeting: Meeting;
  decision: MeetingDecision;
}

export interface CallResult {
  call: { id: string; caller: string; callee: string; endToEndEncryption: { enabled: boolean } };
  decision: { endToEndEncryption: { enabled: boolean }; reasons: Reason[] };
}
