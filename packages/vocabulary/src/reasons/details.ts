// What happened, as typed parameters: callers of the reason book describe a reason with one of
// these and the book turns it into words (messages.ts), so the wording stays consistent.
import type { IncompatibleOption, MeetingType, Platform } from '../words.ts';

/** When a decision is taken: on scheduling, on a later change of options, or when it starts. */
export type Phase = 'schedule' | 'change' | 'start';

/** What makes a meeting end-to-end encrypted; messages name it. */
export type E2eeDemand =
  | { kind: 'label'; label: string }
  | { kind: 'template'; template: string; locked: boolean }
  | { kind: 'organizer' }
  /** The meeting is already end-to-end encrypted and must not silently lose it. */
  | { kind: 'existing' };

/** How a §3 failure of the organizer shows up. */
export type EligibilityEffect =
  /** The plain answer to "can this organizer hold an E2EE meeting?". */
  | { kind: 'check' }
  /** Something demands E2EE, so the request is refused. */
  | { kind: 'blocks'; demand: E2eeDemand; phase: Phase }
  /** §4 rule 5: the template's default is on, so E2EE is off and the reason is information. */
  | { kind: 'turns-off'; template: string };

export type CallSide = 'caller' | 'callee';

export type ClientProblem =
  /** `byTenant`: blocked by this organization's choice rather than by what the platform can do. */
  | { kind: 'blocked'; byTenant: boolean }
  | { kind: 'no-e2ee-media' }
  | { kind: 'too-old'; minimum: string };

export type ReasonDetail =
  | { code: 'E2EE_UNSUPPORTED_MEETING_TYPE'; meetingType: MeetingType; effect: EligibilityEffect }
  | { code: 'E2EE_REQUIRES_PREMIUM'; effect: EligibilityEffect }
  | { code: 'E2EE_POLICY_DISABLED'; policy: string; missing: boolean; effect: EligibilityEffect }
  | { code: 'COMPLIANCE_RECORDING_BLOCKS_E2EE'; subject: 'organizer'; effect: EligibilityEffect }
  | { code: 'COMPLIANCE_RECORDING_BLOCKS_E2EE'; subject: 'participant' }
  | { code: 'COMPLIANCE_RECORDING_BLOCKS_E2EE'; subject: 'call'; sides: CallSide[] }
  | { code: 'TEMPLATE_REQUIRES_E2EE'; template: string; phase: Phase }
  | {
      code: 'E2EE_LOCKED_BY_LABEL';
      label: string;
      situation: 'locked-on' | 'refused-off' | 'unknown';
    }
  | {
      code: 'E2EE_LOCKED_BY_TEMPLATE';
      template: string;
      situation: 'locked-on' | 'locked-off' | 'refused-off' | 'refused-on' | 'unknown';
    }
  | { code: 'E2EE_LOCKED_BY_TEMPLATE'; template: string; situation: 'now-off'; phase: Phase }
  | {
      code: 'FEATURE_UNAVAILABLE_IN_E2EE';
      option: IncompatibleOption;
      demand: E2eeDemand;
      refused: boolean;
    }
  | { code: 'MEETING_ALREADY_STARTED'; attempt: 'turn-on' | 'turn-off' | 'start' }
  | {
      code: 'CLIENT_NOT_SUPPORTED';
      platform: Platform;
      version: string;
      problem: ClientProblem;
      /** What would work instead, e.g. "Conclave for Windows 1.4.0 or later", "a browser". */
      remedies: string[];
    }
  | {
      code: 'POST_QUANTUM_REQUIRED';
      /** Who requires it: the tenant's setting, or the meeting's sensitivity label (by name). */
      requiredBy: PostQuantumDemand;
      /** 'required': the meeting runs on it; 'client-cannot': this client cannot, so it is kept out. */
      situation: 'required' | 'client-cannot';
    }
  | { code: 'MEETING_FULL'; maxParticipants: number }
  | { code: 'MEETING_NOT_FOUND'; situation: 'absent' | 'ended' }
  | {
      code: 'CALL_E2EE_DISABLED_BY_POLICY';
      sides: { side: CallSide; policy: string; missing: boolean }[];
    }
  | { code: 'CALL_E2EE_OFF_IN_USER_SETTINGS'; sides: CallSide[] }
  | { code: 'MEETING_NOT_STARTED' }
  /** `by`: who lets them in — a meeting's organizer, or (1:1 E2EE call) the caller's device. */
  | { code: 'AWAITING_ADMISSION'; by: 'organizer' | 'caller' }
  | { code: 'DENIED_BY_ORGANIZER' }
  | { code: 'NOT_INVITED' }
  | { code: 'REMOVED_BY_ORGANIZER' }
  | { code: 'REFUSED_BY_MEMBERS' };

/** What requires a meeting's post-quantum suite. */
export type PostQuantumDemand = { kind: 'tenant' } | { kind: 'label'; label: string };
