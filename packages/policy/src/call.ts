// §6: 1:1 calls. E2EE only if both sides' policy and settings allow it and neither is recorded;
// otherwise the call still goes ahead with standard encryption, and both sides see every reason.
import { makeReason } from './reasons.ts';
import type { CallSide } from './reasons.ts';
import { isUnderComplianceRecording, resolveEffectivePolicy } from './resolve.ts';
import type { CallDecision, OrgFacts, Reason } from './types.ts';

export function decideCall(facts: OrgFacts, callerId: string, calleeId: string): CallDecision {
  const sides: { side: CallSide; userId: string }[] = [
    { side: 'caller', userId: callerId },
    { side: 'callee', userId: calleeId },
  ];
  const reasons: Reason[] = [];

  const policies = sides
    .map(({ side, userId }) => ({ side, effective: resolveEffectivePolicy(facts, userId) }))
    .filter(
      ({ effective }) => effective.policy.callingEndToEndEncryption !== 'DisabledUserOverride',
    )
    .map(({ side, effective }) => ({
      side,
      policy: effective.policy.name,
      missing: effective.missing === true,
    }));
  if (policies.length > 0) {
    reasons.push(makeReason({ code: 'CALL_E2EE_DISABLED_BY_POLICY', sides: policies }, 'error'));
  }

  const settingsOff = sides
    .filter(({ userId }) => facts.users.find((u) => u.id === userId)?.settings.e2eeCalls !== true)
    .map(({ side }) => side);
  if (settingsOff.length > 0) {
    reasons.push(
      makeReason({ code: 'CALL_E2EE_OFF_IN_USER_SETTINGS', sides: settingsOff }, 'error'),
    );
  }

  const recorded = sides
    .filter(({ userId }) => isUnderComplianceRecording(facts, userId))
    .map(({ side }) => side);
  if (recorded.length > 0) {
    reasons.push(
      makeReason(
        { code: 'COMPLIANCE_RECORDING_BLOCKS_E2EE', subject: 'call', sides: recorded },
        'error',
      ),
    );
  }

  return { endToEndEncryption: { enabled: reasons.length === 0 }, reasons };
}
