// §6 as a table: 1:1 calls, every applicable reason, standard encryption otherwise.
import type { OrgFacts, ReasonCode } from '../src/index.ts';
import { ids, org, user } from './org.ts';

export interface CallCase {
  name: string;
  facts: OrgFacts;
  caller: string;
  callee: string;
  enabled: boolean;
  codes: ReasonCode[];
  says?: string[];
}

/** Calls allowed org-wide; NoE2EE (finance) still disables them. */
const callsAllowed = org({
  policies: [
    {
      name: 'Global',
      meetingEndToEndEncryption: 'DisabledUserOverride',
      callingEndToEndEncryption: 'DisabledUserOverride',
    },
    {
      name: 'NoE2EE',
      meetingEndToEndEncryption: 'Disabled',
      callingEndToEndEncryption: 'Disabled',
    },
  ],
});
const withQuiet = org({
  ...callsAllowed,
  users: [...callsAllowed.users, user('quiet7', { premium: true })],
});

export const callCases: CallCase[] = [
  {
    name: 'both allowed, both opted in, nobody recorded: E2EE, no premium needed',
    facts: callsAllowed,
    caller: ids.alice,
    callee: ids.bob,
    enabled: true,
    codes: [],
  },
  {
    name: 'out of the box the Global calling setting is Not enabled',
    facts: org(),
    caller: ids.alice,
    callee: ids.bob,
    enabled: false,
    codes: ['CALL_E2EE_DISABLED_BY_POLICY'],
    says: ["'Global'", 'caller and the callee', 'standard encryption'],
  },
  {
    name: "the callee's policy disables it",
    facts: callsAllowed,
    caller: ids.alice,
    callee: ids.dave,
    enabled: false,
    codes: ['CALL_E2EE_DISABLED_BY_POLICY'],
    says: ["callee's encryption policy 'NoE2EE'"],
  },
  {
    name: 'the callee has not switched it on',
    facts: withQuiet,
    caller: ids.alice,
    callee: 'quiet7',
    enabled: false,
    codes: ['CALL_E2EE_OFF_IN_USER_SETTINGS'],
    says: ['The callee has not turned on'],
  },
  {
    name: 'the caller is under compliance recording',
    facts: callsAllowed,
    caller: ids.carol,
    callee: ids.alice,
    enabled: false,
    codes: ['COMPLIANCE_RECORDING_BLOCKS_E2EE'],
    says: ['The caller is under compliance recording'],
  },
  {
    name: 'every reason, both sides shown',
    facts: callsAllowed,
    caller: ids.erin,
    callee: ids.carol,
    enabled: false,
    codes: [
      'CALL_E2EE_DISABLED_BY_POLICY',
      'CALL_E2EE_OFF_IN_USER_SETTINGS',
      'COMPLIANCE_RECORDING_BLOCKS_E2EE',
    ],
    says: [
      "caller's encryption policy 'NoE2EE'",
      'The caller has not',
      'Both the caller and the callee',
    ],
  },
];
