// REST shapes, taken from the wire contract in @conclave/protocol (type-only: no zod in the bundle).
import type { z } from 'zod';
import type * as wire from '@conclave/protocol';
import type {
  CallDecision,
  ExplainOutput,
  MeetingDecision,
  MeetingOptions,
  Reason,
} from '@conclave/protocol';

export type { CallDecision, ExplainOutput, MeetingDecision, MeetingOptions, Reason };

export type User = z.infer<typeof wire.userSchema>;
export type Role = User['role'];
export type SignInResponse = z.infer<typeof wire.signInResponseSchema>;
export type SsoSettings = z.infer<typeof wire.ssoSettingsSchema>;
export type SsoPut = z.input<typeof wire.ssoPutSchema>;
export type DirectoryUser = z.infer<typeof wire.directorySchema>['users'][number];

export type Meeting = z.infer<typeof wire.meetingSchema>;
export type LiveExplainRequest = z.input<typeof wire.liveExplainRequestSchema>;
/** The §8 scenario the server ran over the live organization, and its output. */
export interface LiveExplainAnswer {
  scenario: Record<string, unknown>;
  output: ExplainOutput;
}
export type MeetingRequest = z.input<typeof wire.meetingRequestSchema>;
export interface MeetingWithDecision {
  meeting: Meeting;
  decision: MeetingDecision;
}
export interface CallResult {
  call: z.infer<typeof wire.callSchema>;
  decision: CallDecision;
}
/** Who waits for a meeting to start (GET /api/meetings/:id/lobby). */
export type Lobby = wire.Lobby;
/** A call as one side sees it (GET /api/calls, /api/calls/:id). */
export type CallSummary = z.infer<typeof wire.callSummarySchema>;
export type CallState = wire.CallState;
export type CallAction = wire.CallAction;
/** What the app-wide socket says about my calls (ringing, accepted, declined, missed…). */
export type CallNotice = wire.CallNotice;

export type EncryptionPolicy = z.infer<typeof wire.encryptionPolicySchema>;
export type EncryptionPolicyCreate = z.input<typeof wire.encryptionPolicyCreateSchema>;
export type EncryptionPolicyPatch = z.input<typeof wire.encryptionPolicyPatchSchema>;
export type CompliancePolicy = z.infer<typeof wire.compliancePolicySchema>;
export type Assignment = z.infer<typeof wire.assignmentSchema>;
export type AssignmentCreate = z.input<typeof wire.assignmentCreateSchema>;

export type Template = z.infer<typeof wire.templateSchema>;
export type TemplateOptions = Template['options'];
export type TemplateCreate = z.input<typeof wire.templateCreateSchema>;
export type Label = z.infer<typeof wire.labelSchema>;
export type LabelCreate = z.input<typeof wire.labelCreateSchema>;

export type Tenant = z.infer<typeof wire.tenantSchema>;
export type TenantPatch = z.input<typeof wire.tenantPatchSchema>;
export type UserCreate = z.input<typeof wire.userCreateSchema>;
export type UserPatch = z.input<typeof wire.userPatchSchema>;
export type UserBulkAction = z.input<typeof wire.userBulkActionSchema>;
export type Group = z.infer<typeof wire.groupSchema>;
export type GroupCreate = z.input<typeof wire.groupCreateSchema>;

export type AuditEntry = z.infer<typeof wire.auditEntrySchema>;
export type EffectivePolicy = z.infer<typeof wire.effectivePolicyResponseSchema>;
