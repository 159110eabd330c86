// §4 as a table: each row is a scheduling request and what the engine must answer.
import type { E2eeState, MeetingRequest, OrgFacts, ReasonCode, Severity } from '../src/index.ts';
import { ids, org, request } from './org.ts';

export interface ScheduleCase {
  name: string;
  facts?: OrgFacts;
  request: MeetingRequest;
  outcome: 'scheduled' | 'rejected';
  e2ee?: E2eeState;
  /** Every reason except the twelve per-option notes, in order. */
  codes: ReasonCode[];
  severity?: Severity;
  /** Options a rejection must name. */
  options?: string[];
}

const on = (source: E2eeState['source'], locked: boolean): E2eeState => ({
  enabled: true,
  locked,
  source,
});
const off = (source: E2eeState['source'], locked = false): E2eeState => ({
  enabled: false,
  locked,
  source,
});

export const scheduleCases: ScheduleCase[] = [
  // Rule 6 and rule 4: the organizer decides.
  {
    name: 'nothing asked: off by default',
    request: request(ids.alice),
    outcome: 'scheduled',
    e2ee: off('default'),
    codes: [],
  },
  {
    name: 'organizer asks, eligible: on, unlocked',
    request: request(ids.alice, { options: { endToEndEncryption: true } }),
    outcome: 'scheduled',
    e2ee: on('organizer', false),
    codes: [],
  },
  {
    name: 'channel meetings can be E2EE',
    request: request(ids.alice, { type: 'channelMeeting', options: { endToEndEncryption: true } }),
    outcome: 'scheduled',
    e2ee: on('organizer', false),
    codes: [],
  },
  {
    name: 'organizer turns it off explicitly',
    request: request(ids.alice, { options: { endToEndEncryption: false } }),
    outcome: 'scheduled',
    e2ee: off('organizer'),
    codes: [],
  },
  {
    name: 'organizer asks without the premium licence: rejected, not scheduled unencrypted',
    request: request(ids.bob, { options: { endToEndEncryption: true } }),
    outcome: 'rejected',
    codes: ['E2EE_REQUIRES_PREMIUM'],
  },
  {
    name: 'organizer under compliance recording asks',
    request: request(ids.carol, { options: { endToEndEncryption: true } }),
    outcome: 'rejected',
    codes: ['COMPLIANCE_RECORDING_BLOCKS_E2EE'],
  },
  {
    name: 'organizer whose policy disables E2EE asks',
    request: request(ids.dave, { options: { endToEndEncryption: true } }),
    outcome: 'rejected',
    codes: ['E2EE_POLICY_DISABLED'],
  },
  {
    name: 'webinars cannot be E2EE',
    request: request(ids.alice, { type: 'webinar', options: { endToEndEncryption: true } }),
    outcome: 'rejected',
    codes: ['E2EE_UNSUPPORTED_MEETING_TYPE'],
  },
  {
    name: 'a rejection lists every §3 failure',
    request: request(ids.erin, { type: 'townHall', options: { endToEndEncryption: true } }),
    outcome: 'rejected',
    codes: [
      'E2EE_UNSUPPORTED_MEETING_TYPE',
      'E2EE_REQUIRES_PREMIUM',
      'COMPLIANCE_RECORDING_BLOCKS_E2EE',
      'E2EE_POLICY_DISABLED',
    ],
  },
  {
    name: 'incompatible options asked for with E2EE: rejected naming each',
    request: request(ids.alice, {
      options: { endToEndEncryption: true, recording: true, transcription: true, copilot: false },
    }),
    outcome: 'rejected',
    codes: ['FEATURE_UNAVAILABLE_IN_E2EE', 'FEATURE_UNAVAILABLE_IN_E2EE'],
    options: ['transcription', 'recording'],
  },
  {
    name: 'every reason at once: licence and an incompatible option',
    request: request(ids.bob, { options: { endToEndEncryption: true, breakoutRooms: true } }),
    outcome: 'rejected',
    codes: ['E2EE_REQUIRES_PREMIUM', 'FEATURE_UNAVAILABLE_IN_E2EE'],
    options: ['breakoutRooms'],
  },
  {
    name: 'without E2EE the incompatible options are the organizer’s',
    request: request(ids.bob, { options: { recording: true, liveCaptions: false } }),
    outcome: 'scheduled',
    e2ee: off('default'),
    codes: [],
  },

  // Rule 1: the label.
  {
    name: 'label applies E2EE: on, locked, source label',
    request: request(ids.alice, { label: 'hc' }),
    outcome: 'scheduled',
    e2ee: on('label', true),
    codes: ['E2EE_LOCKED_BY_LABEL'],
    severity: 'info',
  },
  {
    name: 'label waives the policy check',
    request: request(ids.dave, { label: 'hc' }),
    outcome: 'scheduled',
    e2ee: on('label', true),
    codes: ['E2EE_LOCKED_BY_LABEL'],
    severity: 'info',
  },
  {
    name: 'label waives only the policy check',
    request: request(ids.erin, { label: 'hc' }),
    outcome: 'rejected',
    codes: ['E2EE_REQUIRES_PREMIUM', 'COMPLIANCE_RECORDING_BLOCKS_E2EE'],
  },
  {
    name: 'label does not make a town hall E2EE',
    request: request(ids.alice, { type: 'townHall', label: 'hc' }),
    outcome: 'rejected',
    codes: ['E2EE_UNSUPPORTED_MEETING_TYPE'],
  },
  {
    name: 'explicit off against the label',
    request: request(ids.alice, { label: 'hc', options: { endToEndEncryption: false } }),
    outcome: 'rejected',
    codes: ['E2EE_LOCKED_BY_LABEL'],
  },
  {
    name: 'explicit off against the label, organizer ineligible too',
    request: request(ids.erin, { label: 'hc', options: { endToEndEncryption: false } }),
    outcome: 'rejected',
    codes: ['E2EE_LOCKED_BY_LABEL', 'E2EE_REQUIRES_PREMIUM', 'COMPLIANCE_RECORDING_BLOCKS_E2EE'],
  },
  {
    name: 'recording under the label',
    request: request(ids.alice, { label: 'hc', options: { recording: true } }),
    outcome: 'rejected',
    codes: ['FEATURE_UNAVAILABLE_IN_E2EE'],
    options: ['recording'],
  },
  {
    name: 'a label that does not apply E2EE has no effect',
    request: request(ids.dave, { label: 'general' }),
    outcome: 'scheduled',
    e2ee: off('default'),
    codes: [],
  },
  {
    name: 'the label wins over a template that locks E2EE off',
    request: request(ids.alice, { label: 'hc', template: 'townhall' }),
    outcome: 'scheduled',
    e2ee: on('label', true),
    codes: ['E2EE_LOCKED_BY_LABEL'],
    severity: 'info',
  },
  {
    name: 'the label wins over a template that locks it on (policy waived)',
    request: request(ids.dave, { label: 'hc', template: 'sensitive' }),
    outcome: 'scheduled',
    e2ee: on('label', true),
    codes: ['E2EE_LOCKED_BY_LABEL'],
    severity: 'info',
  },
  {
    name: 'an unknown label is refused, not ignored',
    request: request(ids.alice, { label: 'no-such-label' }),
    outcome: 'rejected',
    codes: ['E2EE_LOCKED_BY_LABEL'],
  },

  // Rule 2: template locks it on.
  {
    name: 'template locks E2EE on',
    request: request(ids.alice, { template: 'sensitive' }),
    outcome: 'scheduled',
    e2ee: on('template', true),
    codes: ['E2EE_LOCKED_BY_TEMPLATE'],
    severity: 'info',
  },
  {
    name: 'template lock needs the policy too',
    request: request(ids.dave, { template: 'sensitive' }),
    outcome: 'rejected',
    codes: ['TEMPLATE_REQUIRES_E2EE', 'E2EE_POLICY_DISABLED'],
  },
  {
    name: 'template lock with every §3 failure',
    request: request(ids.erin, { template: 'sensitive' }),
    outcome: 'rejected',
    codes: [
      'TEMPLATE_REQUIRES_E2EE',
      'E2EE_REQUIRES_PREMIUM',
      'COMPLIANCE_RECORDING_BLOCKS_E2EE',
      'E2EE_POLICY_DISABLED',
    ],
  },
  {
    name: 'explicit off against a template locked on',
    request: request(ids.alice, { template: 'sensitive', options: { endToEndEncryption: false } }),
    outcome: 'rejected',
    codes: ['E2EE_LOCKED_BY_TEMPLATE'],
  },
  {
    name: 'explicit off against a template locked on, organizer without licence',
    request: request(ids.bob, {
      template: 'sensitive',
      options: { endToEndEncryption: false, largeGallery: true },
    }),
    outcome: 'rejected',
    codes: [
      'E2EE_LOCKED_BY_TEMPLATE',
      'TEMPLATE_REQUIRES_E2EE',
      'E2EE_REQUIRES_PREMIUM',
      'FEATURE_UNAVAILABLE_IN_E2EE',
    ],
    options: ['largeGallery'],
  },

  // Rule 3: template locks it off.
  {
    name: 'template locks E2EE off',
    request: request(ids.alice, { template: 'townhall', options: { recording: true } }),
    outcome: 'scheduled',
    e2ee: off('template', true),
    codes: ['E2EE_LOCKED_BY_TEMPLATE'],
    severity: 'info',
  },
  {
    name: 'explicit on under a template locked off',
    request: request(ids.alice, { template: 'townhall', options: { endToEndEncryption: true } }),
    outcome: 'rejected',
    codes: ['E2EE_LOCKED_BY_TEMPLATE'],
  },
  {
    name: 'an unknown template is refused, not ignored',
    request: request(ids.alice, { template: 'no-such-template' }),
    outcome: 'rejected',
    codes: ['E2EE_LOCKED_BY_TEMPLATE'],
  },

  // Rule 5: template default on, unlocked.
  {
    name: 'template default on, eligible: on, unlocked, source template',
    request: request(ids.alice, { template: 'suggested' }),
    outcome: 'scheduled',
    e2ee: on('template', false),
    codes: [],
  },
  {
    name: 'template default on, no licence: off, the reason as information',
    request: request(ids.bob, { template: 'suggested' }),
    outcome: 'scheduled',
    e2ee: off('template'),
    codes: ['E2EE_REQUIRES_PREMIUM'],
    severity: 'info',
  },
  {
    name: 'template default on, everything fails: off, every reason as information',
    request: request(ids.erin, { template: 'suggested' }),
    outcome: 'scheduled',
    e2ee: off('template'),
    codes: ['E2EE_REQUIRES_PREMIUM', 'COMPLIANCE_RECORDING_BLOCKS_E2EE', 'E2EE_POLICY_DISABLED'],
    severity: 'info',
  },
  {
    name: 'template default on, organizer turns it off',
    request: request(ids.alice, { template: 'suggested', options: { endToEndEncryption: false } }),
    outcome: 'scheduled',
    e2ee: off('organizer'),
    codes: [],
  },
  {
    name: 'template default on, organizer asks explicitly without licence: rule 4 rejects',
    request: request(ids.bob, { template: 'suggested', options: { endToEndEncryption: true } }),
    outcome: 'rejected',
    codes: ['E2EE_REQUIRES_PREMIUM'],
  },
  {
    name: 'template default on, organizer asks for recording',
    request: request(ids.alice, { template: 'suggested', options: { recording: true } }),
    outcome: 'rejected',
    codes: ['FEATURE_UNAVAILABLE_IN_E2EE'],
    options: ['recording'],
  },
  {
    name: 'template without an E2EE setting: off by default',
    request: request(ids.alice, { template: 'blank' }),
    outcome: 'scheduled',
    e2ee: off('default'),
    codes: [],
  },
  {
    name: 'policy by direct assignment beats the group',
    facts: org({
      policies: [
        {
          name: 'NoE2EE',
          meetingEndToEndEncryption: 'Disabled',
          callingEndToEndEncryption: 'Disabled',
        },
        {
          name: 'Allow',
          meetingEndToEndEncryption: 'DisabledUserOverride',
          callingEndToEndEncryption: 'Disabled',
        },
      ],
      assignments: [
        { policy: 'NoE2EE', group: 'finance', rank: 1 },
        { policy: 'Allow', user: ids.dave },
      ],
    }),
    request: request(ids.dave, { template: 'sensitive' }),
    outcome: 'scheduled',
    e2ee: on('template', true),
    codes: ['E2EE_LOCKED_BY_TEMPLATE'],
    severity: 'info',
  },
];
