// Every reason code Conclave gives, with its short title. Governance codes come from the policy
// engine (spec §3–§6); admission codes from the realtime server when a join is refused for a
// reason that is not a governance rule. The sentences are in messages.ts.
import type { IncompatibleOption, Severity } from '../words.ts';

/** The governance spec's reason codes (governance.md, end of §8): the engine decides these. */
export const governanceReasonCodes = [
  'E2EE_UNSUPPORTED_MEETING_TYPE',
  'E2EE_REQUIRES_PREMIUM',
  'E2EE_POLICY_DISABLED',
  'COMPLIANCE_RECORDING_BLOCKS_E2EE',
  'TEMPLATE_REQUIRES_E2EE',
  'E2EE_LOCKED_BY_LABEL',
  'E2EE_LOCKED_BY_TEMPLATE',
  'FEATURE_UNAVAILABLE_IN_E2EE',
  'MEETING_ALREADY_STARTED',
  'CLIENT_NOT_SUPPORTED',
  'MEETING_FULL',
  'MEETING_NOT_FOUND',
  'CALL_E2EE_DISABLED_BY_POLICY',
  'CALL_E2EE_OFF_IN_USER_SETTINGS',
  /** The tenant or the meeting's label requires a post-quantum (X-Wing) suite (issue 13). */
  'POST_QUANTUM_REQUIRED',
] as const;
export type GovernanceReasonCode = (typeof governanceReasonCodes)[number];

/** Codes in a refused join (`join-blocked`) besides the governance engine's. */
export const admissionReasonCodes = [
  /** The meeting exists but has not been started by its organizer yet. */
  'MEETING_NOT_STARTED',
  /** Started, and this person is neither its organizer nor invited: an organizer lets them in. */
  'AWAITING_ADMISSION',
  /** An organizer (or an admin) did not let this person in from the lobby. */
  'DENIED_BY_ORGANIZER',
  /** The meeting is for invited people only, and this person is neither organizer nor invited. */
  'NOT_INVITED',
  /** The members of the E2EE group refused this participant's credential (authentication service). */
  'REFUSED_BY_MEMBERS',
  /**
   * The organizer (or an admin) removed this user from the meeting; they cannot join again until
   * the meeting is ended and started again.
   */
  'REMOVED_BY_ORGANIZER',
] as const;
export type AdmissionReasonCode = (typeof admissionReasonCodes)[number];

export const reasonCodes = [...governanceReasonCodes, ...admissionReasonCodes] as const;
export type ReasonCode = (typeof reasonCodes)[number];

/** A few words naming each reason, for a heading or a list where the full sentence is too long. */
export const reasonTitles: Record<ReasonCode, string> = {
  E2EE_UNSUPPORTED_MEETING_TYPE: 'Meeting type not supported',
  E2EE_REQUIRES_PREMIUM: 'Premium licence needed',
  E2EE_POLICY_DISABLED: 'Not allowed by encryption policy',
  COMPLIANCE_RECORDING_BLOCKS_E2EE: 'Compliance recording',
  TEMPLATE_REQUIRES_E2EE: 'Required by template',
  E2EE_LOCKED_BY_LABEL: 'Set by sensitivity label',
  E2EE_LOCKED_BY_TEMPLATE: 'Set by template',
  FEATURE_UNAVAILABLE_IN_E2EE: 'Unavailable with end-to-end encryption',
  MEETING_ALREADY_STARTED: 'Meeting already started',
  CLIENT_NOT_SUPPORTED: 'App not supported',
  MEETING_FULL: 'Meeting full',
  MEETING_NOT_FOUND: 'Meeting not found',
  CALL_E2EE_DISABLED_BY_POLICY: 'Encrypted calls not allowed by policy',
  CALL_E2EE_OFF_IN_USER_SETTINGS: 'Encrypted calls off in settings',
  POST_QUANTUM_REQUIRED: 'Post-quantum encryption required',
  MEETING_NOT_STARTED: 'Meeting not started',
  AWAITING_ADMISSION: 'Waiting to be let in',
  DENIED_BY_ORGANIZER: 'Not let in by the organizer',
  NOT_INVITED: 'Not invited',
  REFUSED_BY_MEMBERS: 'Refused by participants',
  REMOVED_BY_ORGANIZER: 'Removed by the organizer',
};

/** One reason, as decisions carry it and the wire sends it. */
export interface Reason {
  code: ReasonCode;
  severity: Severity;
  /** A sentence a help desk can read out. Names objects (label, template, option), never secrets. */
  message: string;
  /** The option concerned, for FEATURE_UNAVAILABLE_IN_E2EE. */
  option?: IncompatibleOption;
  /**
   * The reason alone, when `message` goes on to say what it means for this request ("…, so the
   * meeting cannot be scheduled"); absent when the message is already just the reason. Lets a
   * client show the reason for a request the user did not make themselves without cutting text.
   */
  cause?: string;
}

/** An incompatible option's state in a scheduled meeting (§4). */
export interface FeatureState {
  enabled: boolean;
  locked: boolean;
  reason?: ReasonCode;
}
