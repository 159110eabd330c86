// Turning a typed detail into the Reason a decision carries.
import type { Severity } from '../words.ts';
import type { Reason } from './codes.ts';
import type { ReasonDetail } from './details.ts';
import { describeReason } from './messages.ts';

export function makeReason(detail: ReasonDetail, severity: Severity): Reason {
  const reason: Reason = { code: detail.code, severity, message: describeReason(detail) };
  if (detail.code === 'FEATURE_UNAVAILABLE_IN_E2EE') reason.option = detail.option;
  const cause = describeCause(detail);
  if (cause !== undefined) reason.cause = cause;
  return reason;
}

/**
 * The reason alone, without what it means for this request: an organizer's §3 failure that
 * blocks a request or turns a template's default off reads as the plain check. Undefined when
 * the full sentence is already just the reason.
 */
export function describeCause(detail: ReasonDetail): string | undefined {
  if (!('effect' in detail) || detail.effect.kind === 'check') return undefined;
  return describeReason({ ...detail, effect: { kind: 'check' } });
}
