import { describe, expect, it } from 'vitest';
import {
  admissionReasonCodes,
  describeCause,
  describeReason,
  governanceReasonCodes,
  makeReason,
  reasonCodes,
  reasonTitles,
  type EligibilityEffect,
} from '../src/index.ts';

describe('the reason book', () => {
  it('holds the governance codes and the admission codes, each once', () => {
    expect(reasonCodes).toEqual([...governanceReasonCodes, ...admissionReasonCodes]);
    expect(new Set(reasonCodes).size).toBe(reasonCodes.length);
    expect(admissionReasonCodes).toEqual([
      'MEETING_NOT_STARTED',
      'AWAITING_ADMISSION',
      'DENIED_BY_ORGANIZER',
      'NOT_INVITED',
      'REFUSED_BY_MEMBERS',
      'REMOVED_BY_ORGANIZER',
    ]);
  });

  it('gives every code a short, distinct title', () => {
    const titles = reasonCodes.map((code) => reasonTitles[code]);
    for (const title of titles) expect(title.length).toBeGreaterThan(0);
    for (const title of titles) expect(title.length).toBeLessThanOrEqual(40);
    expect(new Set(titles).size).toBe(titles.length);
  });

  it('words the admission refusals, with no cause apart from the sentence', () => {
    const notStarted = makeReason({ code: 'MEETING_NOT_STARTED' }, 'info');
    expect(notStarted).toEqual({
      code: 'MEETING_NOT_STARTED',
      severity: 'info',
      message:
        'Waiting for the organizer to start the meeting. You will be let in as soon as it starts.',
    });
    expect(makeReason({ code: 'REMOVED_BY_ORGANIZER' }, 'error').message).toContain(
      'removed from this meeting by the organizer',
    );
    expect(makeReason({ code: 'REFUSED_BY_MEMBERS' }, 'error').message).toContain(
      "did not accept this device's identity",
    );
  });
});

describe('a reason’s cause, apart from what it means for the request', () => {
  const check: EligibilityEffect = { kind: 'check' };
  const blocks: EligibilityEffect = {
    kind: 'blocks',
    demand: { kind: 'organizer' },
    phase: 'schedule',
  };

  it('is absent when the sentence is the plain check', () => {
    const reason = makeReason({ code: 'E2EE_REQUIRES_PREMIUM', effect: check }, 'error');
    expect(reason.cause).toBeUndefined();
    expect(Object.keys(reason)).toEqual(['code', 'severity', 'message']);
  });

  it('is the plain check when the failure blocks a request', () => {
    const detail = {
      code: 'E2EE_POLICY_DISABLED',
      policy: 'Global',
      missing: false,
      effect: blocks,
    } as const;
    const reason = makeReason(detail, 'error');
    const plain = describeReason({ ...detail, effect: check });
    expect(reason.cause).toBe(plain);
    expect(reason.message.startsWith(`${plain} End-to-end encryption was requested`)).toBe(true);
    expect(reason.cause).not.toMatch(/requested/);
  });

  it('is the plain check when the failure turns a template default off', () => {
    const cause = describeCause({
      code: 'E2EE_UNSUPPORTED_MEETING_TYPE',
      meetingType: 'webinar',
      effect: { kind: 'turns-off', template: 'Private' },
    });
    expect(cause).toBe(
      'End-to-end encryption is not available for webinars; only meetings and channel meetings can be end-to-end encrypted.',
    );
  });

  it('is absent for reasons that carry no effect, such as an unavailable option', () => {
    const reason = makeReason(
      {
        code: 'FEATURE_UNAVAILABLE_IN_E2EE',
        option: 'recording',
        demand: { kind: 'label', label: 'Highly confidential' },
        refused: false,
      },
      'info',
    );
    expect(reason.option).toBe('recording');
    expect(reason.cause).toBeUndefined();
  });

  it("names who lets a waiting person in: a meeting's organizer, or a call's caller's device", () => {
    expect(describeReason({ code: 'AWAITING_ADMISSION', by: 'organizer' })).toBe(
      'Waiting for the organizer to let you in. You will join as soon as they do.',
    );
    const call = describeReason({ code: 'AWAITING_ADMISSION', by: 'caller' });
    expect(call).toContain("the caller's device");
    expect(call).not.toContain('organizer');
  });
});
