// The governance engine's facts and decisions (../shared/spec/governance.md).
// Facts mirror the `policy explain` scenario (§8): the server loads a tenant's facts into this
// shape and asks the same pure functions the what-if tool uses, so there is one rule book.

// The engine's facts and decisions are built from the shared vocabulary (@conclave/vocabulary):
// the enums, the reason codes and the Reason shape live there so the wire contract and the apps
// can use them without this engine. Re-exported here so the engine's public API stays whole.
import type {
  E2eeSetting,
  E2eeState,
  FeatureState,
  IncompatibleOption,
  MeetingType,
  Platform,
  Reason,
  UserRole,
} from '@conclave/vocabulary';

export {
  e2eeSettings,
  incompatibleOptions,
  meetingTypes,
  platforms,
  userRoles,
  /** The codes this engine decides (the spec's list); admission codes are the server's. */
  governanceReasonCodes as reasonCodes,
} from '@conclave/vocabulary';
export type {
  E2eeSetting,
  E2eeState,
  FeatureState,
  IncompatibleOption,
  MeetingType,
  Platform,
  Reason,
  ReasonCode,
  Severity,
  UserRole,
} from '@conclave/vocabulary';

export interface TenantE2eeSettings {
  maxParticipants: number;
  /**
   * Every E2EE meeting of the tenant runs on the post-quantum suite (X-Wing hybrid MLS with SFrame
   * AES-256-GCM); clients that cannot are blocked, never downgraded. False when omitted.
   */
  postQuantum?: boolean;
  clients: {
    blocked: Platform[];
    /** Minimum client version per platform (semver). */
    minVersion: Partial<Record<Platform, string>>;
  };
}

export interface UserFacts {
  id: string;
  displayName?: string;
  role?: UserRole;
  premium: boolean;
  groups: string[];
  settings: { e2eeCalls: boolean };
}

export interface GroupFacts {
  id: string;
  name?: string;
  /** Members listed on the group; a user is a member if either side lists the other. */
  members?: string[];
}

export interface EncryptionPolicy {
  name: string;
  description?: string;
  meetingEndToEndEncryption: E2eeSetting;
  callingEndToEndEncryption: E2eeSetting;
}

export type PolicyAssignment =
  | { policy: string; user: string }
  | { policy: string; group: string; rank: number }
  | { policy: string; global: true };

/** A compliance recording policy and where it is assigned; `enabled: false` puts nobody under it. */
export type ComplianceRecordingAssignment =
  | { policy?: string; enabled?: boolean; user: string }
  | { policy?: string; enabled?: boolean; group: string; rank?: number }
  | { policy?: string; enabled?: boolean; global: true };

export interface TemplateOption<T> {
  value: T;
  locked: boolean;
}

export interface MeetingTemplate {
  id: string;
  name?: string;
  options: {
    endToEndEncryption?: TemplateOption<boolean>;
  } & Partial<Record<IncompatibleOption, TemplateOption<boolean>>>;
}

export interface SensitivityLabel {
  id: string;
  name?: string;
  meeting: {
    endToEndEncryption?: 'apply' | 'dontApply';
    /** `require`: an E2EE meeting with this label runs on the post-quantum suite. */
    postQuantumEncryption?: 'require' | 'dontRequire';
  };
}

/** Everything the rules need to know about one tenant. */
export interface OrgFacts {
  tenant: { e2ee: TenantE2eeSettings };
  users: UserFacts[];
  groups: GroupFacts[];
  policies: EncryptionPolicy[];
  assignments: PolicyAssignment[];
  complianceRecording: ComplianceRecordingAssignment[];
  templates: MeetingTemplate[];
  labels: SensitivityLabel[];
}

export type PolicySource = 'direct' | 'global' | `group:${string}`;

export interface EffectivePolicy {
  policy: EncryptionPolicy;
  source: PolicySource;
  /**
   * The assigned policy does not exist. Its settings are then `Disabled` (fail closed) and the
   * reasons say so, instead of silently falling back to a more permissive policy.
   */
  missing?: boolean;
}

/**
 * The organizer's explicit choices. A key that is absent or `undefined` is not chosen (so values
 * straight from a schema parser fit); only `true`/`false` count as a choice.
 */
export type MeetingOptions = {
  endToEndEncryption?: boolean | undefined;
  /** Who may enter (§5), not a governance matter: the engine keeps it and decides nothing on it. */
  onlyInvited?: boolean | undefined;
} & {
  [K in IncompatibleOption]?: boolean | undefined;
};

export interface MeetingRequest {
  type: MeetingType;
  organizer: string;
  template?: string;
  label?: string;
  options: MeetingOptions;
}

export type MeetingDecision =
  | {
      outcome: 'scheduled';
      endToEndEncryption: E2eeState;
      /** All twelve incompatible options whenever E2EE is on; the requested ones otherwise. */
      features: Partial<Record<IncompatibleOption, FeatureState>>;
      reasons: Reason[];
    }
  | { outcome: 'rejected'; reasons: Reason[] };

export type MeetingState = 'scheduled' | 'started' | 'ended';

/** A meeting the server already holds, for option changes and for starting it. */
export interface ExistingMeeting {
  request: MeetingRequest;
  endToEndEncryption: E2eeState;
  /** The organizer's current explicit choices: the request's options with later changes applied. */
  options: MeetingOptions;
  state: MeetingState;
}

export interface ClientFacts {
  platform: Platform;
  version: string;
  /** Whether the client can do E2EE media; true when omitted. */
  e2eeMedia?: boolean;
  /**
   * Whether the client can do the post-quantum suite (X-Wing MLS, SFrame 0x0005); false when
   * omitted, so a client that predates it is blocked from a meeting that requires it.
   */
  postQuantum?: boolean;
}

export interface JoinDecision {
  outcome: 'admitted' | 'blocked';
  reasons: Reason[];
}

export interface CallDecision {
  endToEndEncryption: { enabled: boolean };
  reasons: Reason[];
}

/** One thing wrong with a `policy explain` scenario, at a JSON path such as `$.assignments[2].rank`. */
export interface ScenarioProblem {
  path: string;
  message: string;
}

/**
 * A reason as §8 prints it: code, severity, message (and the option). The short `cause` is for
 * interactive clients; the what-if answer keeps the spec's shape.
 */
export type ExplainedReason = Omit<Reason, 'cause'>;

export interface ExplainedMeeting {
  id: string;
  outcome: MeetingDecision['outcome'];
  endToEndEncryption?: E2eeState;
  features?: Partial<Record<IncompatibleOption, FeatureState>>;
  reasons: ExplainedReason[];
}

export interface ExplainedJoin {
  meeting: string;
  user: string;
  outcome: JoinDecision['outcome'];
  reasons: ExplainedReason[];
}

export interface ExplainedCall {
  id: string;
  endToEndEncryption: { enabled: boolean };
  reasons: ExplainedReason[];
}

/** The `policy explain` answer (§8), exactly as printed with `--json`. */
export interface ExplainOutput {
  effectivePolicies: Record<string, { policy: string; source: PolicySource }>;
  meetings: ExplainedMeeting[];
  joins: ExplainedJoin[];
  calls: ExplainedCall[];
}

export type ExplainResult =
  { kind: 'ok'; output: ExplainOutput } | { kind: 'invalid'; problems: ScenarioProblem[] };
