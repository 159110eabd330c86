// §3: can this organizer hold an end-to-end encrypted meeting?
import { makeReason } from './reasons.ts';
import type { EligibilityEffect, ReasonDetail } from './reasons.ts';
import { isUnderComplianceRecording, resolveEffectivePolicy } from './resolve.ts';
import type { MeetingRequest, OrgFacts, Reason, Severity } from './types.ts';

/** The §3 failures, in §3 order, with how they show up left to the caller. */
export function eligibilityFailures(
  facts: OrgFacts,
  request: Pick<MeetingRequest, 'type' | 'organizer'>,
  waivePolicy: boolean,
  effect: EligibilityEffect,
): ReasonDetail[] {
  const failures: ReasonDetail[] = [];
  if (request.type !== 'meeting' && request.type !== 'channelMeeting') {
    failures.push({ code: 'E2EE_UNSUPPORTED_MEETING_TYPE', meetingType: request.type, effect });
  }
  const organizer = facts.users.find((user) => user.id === request.organizer);
  if (organizer?.premium !== true) failures.push({ code: 'E2EE_REQUIRES_PREMIUM', effect });
  if (isUnderComplianceRecording(facts, request.organizer)) {
    failures.push({ code: 'COMPLIANCE_RECORDING_BLOCKS_E2EE', subject: 'organizer', effect });
  }
  if (!waivePolicy) {
    const effective = resolveEffectivePolicy(facts, request.organizer);
    if (effective.policy.meetingEndToEndEncryption !== 'DisabledUserOverride') {
      failures.push({
        code: 'E2EE_POLICY_DISABLED',
        policy: effective.policy.name,
        missing: effective.missing === true,
        effect,
      });
    }
  }
  return failures;
}

/** Whether the request's sensitivity label applies E2EE, which waives the policy check (§3). */
export function labelAppliesE2ee(facts: OrgFacts, request: Pick<MeetingRequest, 'label'>): boolean {
  if (request.label === undefined) return false;
  const label = facts.labels.find((l) => l.id === request.label);
  return label?.meeting.endToEndEncryption === 'apply';
}

/**
 * The §3 reasons this organizer cannot hold the requested meeting end-to-end encrypted; empty
 * means eligible. The policy check is waived when the request's label applies E2EE, unless
 * `labelWaivesPolicy` says otherwise.
 */
export function checkE2eeEligibility(
  facts: OrgFacts,
  request: MeetingRequest,
  opts?: { labelWaivesPolicy?: boolean },
): Reason[] {
  const waive = opts?.labelWaivesPolicy ?? labelAppliesE2ee(facts, request);
  const severity: Severity = 'error';
  return eligibilityFailures(facts, request, waive, { kind: 'check' }).map((detail) =>
    makeReason(detail, severity),
  );
}
