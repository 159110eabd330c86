// §3 on its own: what the server asks before offering the E2EE switch.
import { describe, expect, it } from 'vitest';
import { checkE2eeEligibility } from '../src/index.ts';
import type { MeetingRequest, ReasonCode } from '../src/index.ts';
import { codes, ids, org, request } from './org.ts';

describe('checkE2eeEligibility', () => {
  const cases: [
    string,
    MeetingRequest,
    { labelWaivesPolicy?: boolean } | undefined,
    ReasonCode[],
  ][] = [
    ['an eligible organizer', request(ids.alice), undefined, []],
    ['a channel meeting', request(ids.alice, { type: 'channelMeeting' }), undefined, []],
    [
      'a webinar',
      request(ids.alice, { type: 'webinar' }),
      undefined,
      ['E2EE_UNSUPPORTED_MEETING_TYPE'],
    ],
    [
      'a town hall',
      request(ids.alice, { type: 'townHall' }),
      undefined,
      ['E2EE_UNSUPPORTED_MEETING_TYPE'],
    ],
    ['no licence', request(ids.bob), undefined, ['E2EE_REQUIRES_PREMIUM']],
    ['compliance recording', request(ids.carol), undefined, ['COMPLIANCE_RECORDING_BLOCKS_E2EE']],
    ['policy off', request(ids.dave), undefined, ['E2EE_POLICY_DISABLED']],
    [
      'policy off, label applies: waived by default',
      request(ids.dave, { label: 'hc' }),
      undefined,
      [],
    ],
    [
      'policy off, label applies, waiver declined',
      request(ids.dave, { label: 'hc' }),
      { labelWaivesPolicy: false },
      ['E2EE_POLICY_DISABLED'],
    ],
    [
      'policy off, label that does not apply: no waiver',
      request(ids.dave, { label: 'general' }),
      undefined,
      ['E2EE_POLICY_DISABLED'],
    ],
    ['policy off, waiver asked for', request(ids.dave), { labelWaivesPolicy: true }, []],
    ['an unknown organizer fails closed', request('nobody'), undefined, ['E2EE_REQUIRES_PREMIUM']],
    [
      'all four, in §3 order',
      request(ids.erin, { type: 'webinar' }),
      undefined,
      [
        'E2EE_UNSUPPORTED_MEETING_TYPE',
        'E2EE_REQUIRES_PREMIUM',
        'COMPLIANCE_RECORDING_BLOCKS_E2EE',
        'E2EE_POLICY_DISABLED',
      ],
    ],
    [
      'the label waives only the policy check',
      request(ids.erin, { type: 'webinar', label: 'hc' }),
      undefined,
      [
        'E2EE_UNSUPPORTED_MEETING_TYPE',
        'E2EE_REQUIRES_PREMIUM',
        'COMPLIANCE_RECORDING_BLOCKS_E2EE',
      ],
    ],
  ];
  it.each(cases)('%s', (_name, req, opts, expected) => {
    const reasons = checkE2eeEligibility(org(), req, opts);
    expect(codes(reasons)).toEqual(expected);
    expect(reasons.every((r) => r.severity === 'error' && r.message.length > 0)).toBe(true);
  });

  it("names the organizer's policy", () => {
    const [reason] = checkE2eeEligibility(org(), request(ids.dave));
    expect(reason?.message).toBe(
      "The organizer's encryption policy 'NoE2EE' does not allow end-to-end encrypted meetings (meeting setting: Not enabled).",
    );
  });
});
