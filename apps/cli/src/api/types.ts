// The REST shapes the CLI reads and sends, taken from the wire contract in @conclave/protocol as
// the web app does (type-only: the CLI displays what the server decides and never re-applies a
// rule, so these are typed views, not validators; extra fields pass through untouched in `--json`
// output). The enums are the shared vocabulary's, so a new option or platform reaches the CLI too.
import type { z } from 'zod';
import type * as wire from '@conclave/protocol';
import type {
  CallDecision,
  E2eeState,
  ErrorBody,
  FeatureState,
  MeetingDecision,
  MeetingOptions,
  Reason,
} from '@conclave/protocol';
import type { E2eeSetting, IncompatibleOption, MeetingType, Platform } from '@conclave/vocabulary';

export { e2eeSettings, incompatibleOptions, meetingTypes, platforms } from '@conclave/vocabulary';
export type { E2eeSetting, IncompatibleOption, MeetingType, Platform };
export type { E2eeState, FeatureState, MeetingDecision, MeetingOptions, Reason };

export type ApiErrorBody = ErrorBody;

export type User = z.infer<typeof wire.userSchema>;
export type SignInResponse = z.infer<typeof wire.signInResponseSchema>;
export type DirectoryUser = z.infer<typeof wire.directorySchema>['users'][number];
export type Group = z.infer<typeof wire.groupSchema>;

export type EncryptionPolicy = z.infer<typeof wire.encryptionPolicySchema>;
/** Encryption and compliance recording assignments share one shape. */
export type Assignment = z.infer<typeof wire.assignmentSchema>;
export type ComplianceRecordingPolicy = z.infer<typeof wire.compliancePolicySchema>;

export type Template = z.infer<typeof wire.templateSchema>;
export type TemplateOption = NonNullable<Template['options']['endToEndEncryption']>;
export type Label = z.infer<typeof wire.labelSchema>;
export type Tenant = z.infer<typeof wire.tenantSchema>;
export type AuditEntry = z.infer<typeof wire.auditEntrySchema>;

export type Meeting = z.infer<typeof wire.meetingSchema>;
export interface MeetingWithDecision {
  meeting: Meeting;
  decision: MeetingDecision;
}
export interface CallResult {
  call: z.infer<typeof wire.callSchema>;
  decision: CallDecision;
}
/** A call as one side sees it: state, times, the other person (GET /api/calls/:id). */
export type CallSummary = z.infer<typeof wire.callSummarySchema>;
