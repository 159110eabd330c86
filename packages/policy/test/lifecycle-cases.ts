// §4 after scheduling, as a table: a meeting scheduled under one set of facts, then changed or
// started, possibly after the facts moved on (licence lost, policy changed, template relocked).
import type {
  E2eeState,
  ExistingMeeting,
  MeetingOptions,
  OrgFacts,
  ReasonCode,
} from '../src/index.ts';
import { ids, org, request, scheduled, user } from './org.ts';

export interface LifecycleCase {
  name: string;
  meeting: ExistingMeeting;
  /** The facts when the change or start happens; the scheduling facts when omitted. */
  facts?: OrgFacts;
  action: { kind: 'change'; change: MeetingOptions } | { kind: 'start' };
  outcome: 'scheduled' | 'rejected';
  e2ee?: E2eeState;
  codes: ReasonCode[];
  /** Words the first reason's message must contain. */
  says?: string[];
}

const facts = org();
const started = (meeting: ExistingMeeting): ExistingMeeting => ({ ...meeting, state: 'started' });
const ended = (meeting: ExistingMeeting): ExistingMeeting => ({ ...meeting, state: 'ended' });

/** The same organization after alice lost her premium licence. */
const aliceUnlicensed = org({
  users: org().users.map((u) => (u.id === ids.alice ? { ...u, premium: false } : u)),
});
/** The same organization after alice was put under compliance recording. */
const aliceRecorded = org({
  complianceRecording: [...org().complianceRecording, { user: ids.alice }],
});
/** After bob got the licence. */
const bobLicensed = org({
  users: org().users.map((u) => (u.id === ids.bob ? { ...u, premium: true } : u)),
});
/** After the admin assigned NoE2EE to alice directly. */
const alicePolicyOff = org({
  assignments: [...org().assignments, { policy: 'NoE2EE', user: ids.alice }],
});
/** After the admin relocked the "sensitive" template off. */
const sensitiveNowOff = org({
  templates: org().templates.map((t) =>
    t.id === 'sensitive'
      ? { ...t, options: { endToEndEncryption: { value: false, locked: true } } }
      : t,
  ),
});
/** After the label stopped applying E2EE. */
const labelRelaxed = org({
  labels: org().labels.map((l) => (l.id === 'hc' ? { ...l, meeting: {} } : l)),
});
/** A user created after the fact, for the "missing" cases. */
const withFrank = org({ users: [...org().users, user('frank6', { premium: true })] });

const organizerMeeting = scheduled(
  facts,
  request(ids.alice, { options: { endToEndEncryption: true } }),
);
const labelMeeting = scheduled(facts, request(ids.alice, { label: 'hc' }));
const templateMeeting = scheduled(facts, request(ids.alice, { template: 'sensitive' }));
const suggestedMeeting = scheduled(facts, request(ids.alice, { template: 'suggested' }));
const suggestedOffMeeting = scheduled(facts, request(ids.bob, { template: 'suggested' }));
const plainMeeting = scheduled(facts, request(ids.alice, { options: { recording: true } }));

const on = (source: E2eeState['source'], locked: boolean): E2eeState => ({
  enabled: true,
  locked,
  source,
});

export const lifecycleCases: LifecycleCase[] = [
  // Changes before the meeting starts: the same checks as scheduling.
  {
    name: 'before start: recording asked for in an E2EE meeting',
    meeting: organizerMeeting,
    action: { kind: 'change', change: { recording: true } },
    outcome: 'rejected',
    codes: ['FEATURE_UNAVAILABLE_IN_E2EE'],
    says: ['Recording'],
  },
  {
    name: 'before start: turning E2EE off and recording on together',
    meeting: organizerMeeting,
    action: { kind: 'change', change: { endToEndEncryption: false, recording: true } },
    outcome: 'scheduled',
    e2ee: { enabled: false, locked: false, source: 'organizer' },
    codes: [],
  },
  {
    name: 'before start: turning E2EE on for an unencrypted meeting with recording on',
    meeting: plainMeeting,
    action: { kind: 'change', change: { endToEndEncryption: true } },
    outcome: 'rejected',
    codes: ['FEATURE_UNAVAILABLE_IN_E2EE'],
    says: ['Recording'],
  },
  {
    name: 'before start: turning E2EE on after switching recording off',
    meeting: plainMeeting,
    action: { kind: 'change', change: { endToEndEncryption: true, recording: false } },
    outcome: 'scheduled',
    e2ee: on('organizer', false),
    codes: [],
  },
  {
    name: 'before start: turning off E2EE that the label locks',
    meeting: labelMeeting,
    action: { kind: 'change', change: { endToEndEncryption: false } },
    outcome: 'rejected',
    codes: ['E2EE_LOCKED_BY_LABEL'],
    says: ['Highly confidential'],
  },
  {
    name: 'before start: turning off E2EE that the template locks',
    meeting: templateMeeting,
    action: { kind: 'change', change: { endToEndEncryption: false } },
    outcome: 'rejected',
    codes: ['E2EE_LOCKED_BY_TEMPLATE'],
    says: ['Sensitive'],
  },
  {
    name: 'before start: an unrelated change after the licence was lost does not drop E2EE silently',
    meeting: suggestedMeeting,
    facts: aliceUnlicensed,
    action: { kind: 'change', change: { copilot: false } },
    outcome: 'rejected',
    codes: ['E2EE_REQUIRES_PREMIUM'],
    says: ['cannot be saved'],
  },
  {
    name: 'before start: the organizer may still turn it off after losing the licence',
    meeting: suggestedMeeting,
    facts: aliceUnlicensed,
    action: { kind: 'change', change: { endToEndEncryption: false } },
    outcome: 'scheduled',
    e2ee: { enabled: false, locked: false, source: 'organizer' },
    codes: [],
  },
  {
    name: 'before start: a harmless change keeps the label lock',
    meeting: labelMeeting,
    action: { kind: 'change', change: { recording: false } },
    outcome: 'scheduled',
    e2ee: on('label', true),
    codes: ['E2EE_LOCKED_BY_LABEL'],
  },

  // Changes after the meeting started: E2EE is frozen.
  {
    name: 'after start: turning E2EE off',
    meeting: started(organizerMeeting),
    action: { kind: 'change', change: { endToEndEncryption: false } },
    outcome: 'rejected',
    codes: ['MEETING_ALREADY_STARTED'],
    says: ['turned off'],
  },
  {
    name: 'after start: turning E2EE on',
    meeting: started(plainMeeting),
    action: { kind: 'change', change: { endToEndEncryption: true, recording: false } },
    outcome: 'rejected',
    codes: ['MEETING_ALREADY_STARTED'],
    says: ['turned on'],
  },
  {
    name: 'after start: turning E2EE off and recording on, both refused',
    meeting: started(labelMeeting),
    action: { kind: 'change', change: { endToEndEncryption: false, recording: true } },
    outcome: 'rejected',
    codes: ['MEETING_ALREADY_STARTED', 'FEATURE_UNAVAILABLE_IN_E2EE'],
  },
  {
    name: 'after start: recording in an E2EE meeting',
    meeting: started(templateMeeting),
    action: { kind: 'change', change: { recording: true } },
    outcome: 'rejected',
    codes: ['FEATURE_UNAVAILABLE_IN_E2EE'],
    says: ['Recording', 'Sensitive'],
  },
  {
    name: 'after start: restating the same E2EE value is no change',
    meeting: started(organizerMeeting),
    action: { kind: 'change', change: { endToEndEncryption: true, copilot: false } },
    outcome: 'scheduled',
    e2ee: on('organizer', false),
    codes: [],
  },
  {
    name: 'after start: recording in an unencrypted meeting is fine',
    meeting: started(plainMeeting),
    action: { kind: 'change', change: { transcription: true } },
    outcome: 'scheduled',
    e2ee: { enabled: false, locked: false, source: 'default' },
    codes: [],
  },
  {
    name: 'after start: policy changes do not reach a running meeting',
    meeting: started(organizerMeeting),
    facts: alicePolicyOff,
    action: { kind: 'change', change: { copilot: false } },
    outcome: 'scheduled',
    e2ee: on('organizer', false),
    codes: [],
  },
  {
    name: 'after the end: no more changes',
    meeting: ended(organizerMeeting),
    action: { kind: 'change', change: { copilot: false } },
    outcome: 'rejected',
    codes: ['MEETING_NOT_FOUND'],
  },

  // Starting: §3 and §4 again.
  {
    name: 'start: nothing changed',
    meeting: templateMeeting,
    action: { kind: 'start' },
    outcome: 'scheduled',
    e2ee: on('template', true),
    codes: ['E2EE_LOCKED_BY_TEMPLATE'],
  },
  {
    name: 'start: licence lost under a template lock, the meeting does not start',
    meeting: templateMeeting,
    facts: aliceUnlicensed,
    action: { kind: 'start' },
    outcome: 'rejected',
    codes: ['TEMPLATE_REQUIRES_E2EE', 'E2EE_REQUIRES_PREMIUM'],
    says: ['cannot start', 'never starts unencrypted'],
  },
  {
    name: 'start: organizer now under compliance recording, label meeting does not start',
    meeting: labelMeeting,
    facts: aliceRecorded,
    action: { kind: 'start' },
    outcome: 'rejected',
    codes: ['COMPLIANCE_RECORDING_BLOCKS_E2EE'],
    says: ['Highly confidential', 'cannot start'],
  },
  {
    name: 'start: licence lost for a template-default meeting that was encrypted, it does not start',
    meeting: suggestedMeeting,
    facts: aliceUnlicensed,
    action: { kind: 'start' },
    outcome: 'rejected',
    codes: ['E2EE_REQUIRES_PREMIUM'],
    says: ['cannot start'],
  },
  {
    name: 'start: policy now disables E2EE for an organizer-encrypted meeting',
    meeting: organizerMeeting,
    facts: alicePolicyOff,
    action: { kind: 'start' },
    outcome: 'rejected',
    codes: ['E2EE_POLICY_DISABLED'],
    says: ['NoE2EE', 'cannot start'],
  },
  {
    name: 'start: the label still waives the new policy',
    meeting: labelMeeting,
    facts: alicePolicyOff,
    action: { kind: 'start' },
    outcome: 'scheduled',
    e2ee: on('label', true),
    codes: ['E2EE_LOCKED_BY_LABEL'],
  },
  {
    name: 'start: the template now locks E2EE off, the encrypted meeting does not start',
    meeting: templateMeeting,
    facts: sensitiveNowOff,
    action: { kind: 'start' },
    outcome: 'rejected',
    codes: ['E2EE_LOCKED_BY_TEMPLATE'],
    says: ['never starts unencrypted'],
  },
  {
    name: 'start: the label no longer applies, the meeting stays encrypted',
    meeting: labelMeeting,
    facts: labelRelaxed,
    action: { kind: 'start' },
    outcome: 'scheduled',
    e2ee: { enabled: true, locked: false, source: 'label' },
    codes: [],
  },
  {
    name: 'start: organizer got the licence, the template default now takes effect',
    meeting: suggestedOffMeeting,
    facts: bobLicensed,
    action: { kind: 'start' },
    outcome: 'scheduled',
    e2ee: on('template', false),
    codes: [],
  },
  {
    name: 'start: an unencrypted meeting starts unencrypted with its options',
    meeting: plainMeeting,
    facts: withFrank,
    action: { kind: 'start' },
    outcome: 'scheduled',
    e2ee: { enabled: false, locked: false, source: 'default' },
    codes: [],
  },
  {
    name: 'start: twice',
    meeting: started(organizerMeeting),
    action: { kind: 'start' },
    outcome: 'rejected',
    codes: ['MEETING_ALREADY_STARTED'],
  },
  {
    name: 'start: after the end',
    meeting: ended(organizerMeeting),
    action: { kind: 'start' },
    outcome: 'rejected',
    codes: ['MEETING_NOT_FOUND'],
  },
];

export const lifecycleFacts = facts;
