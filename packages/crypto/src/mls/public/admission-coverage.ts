// Who the verified admissions of one meeting let in — the one rule the server (before it proposes
// an Add) and every member (before it accepts one) both apply, so they cannot disagree:
//
//   - the organizer is always in (the statements are theirs);
//   - of the invitation lists the organizer signed, only the newest counts (the highest sequence;
//     a list an organizer replaced no longer admits the people it dropped): its users and its
//     co-organizers are in;
//   - every lobby admission signed by the organizer or by a co-organizer that newest list names
//     lets its users in;
//   - a statement for another tenant or meeting, or past its expiry, counts for nothing.
//
// The statements given here must already be verified (`verifyAdmission` against the signer's
// authenticated key); this function checks who signed them and what they say.
import type { AdmissionStatement } from './admission.ts';

export interface AdmissionCoverage {
  /** The users who may enter, the organizer included. */
  readonly users: ReadonlySet<string>;
  /** The co-organizers the newest invitation list names. */
  readonly coOrganizers: ReadonlySet<string>;
  /** The newest invitation list's sequence, 0 when there is none. */
  readonly sequence: number;
}

export interface CoverageContext {
  readonly tenantId: string;
  readonly meetingId: string;
  readonly organizer: string;
  readonly now: number;
  /**
   * The highest invitation-list sequence this reader has seen before (kept by a member across
   * sessions): an older list is a replay and counts for nothing. Default 0.
   */
  readonly seenSequence?: number;
}

export function admissionCoverage(
  statements: readonly AdmissionStatement[],
  context: CoverageContext,
): AdmissionCoverage {
  const valid = statements.filter(
    (s) =>
      s.tenantId === context.tenantId &&
      s.meetingId === context.meetingId &&
      s.signer.tenantId === context.tenantId &&
      s.expiresAt > context.now,
  );
  let newest: AdmissionStatement | undefined;
  for (const list of valid) {
    if (list.kind !== 'invitation-list' || list.signer.userId !== context.organizer) continue;
    if (list.sequence < (context.seenSequence ?? 0)) continue;
    if (
      newest === undefined ||
      list.sequence > newest.sequence ||
      (list.sequence === newest.sequence && list.issuedAt > newest.issuedAt)
    )
      newest = list;
  }
  const coOrganizers = new Set(newest?.coOrganizers ?? []);
  const users = new Set<string>([context.organizer, ...(newest?.users ?? []), ...coOrganizers]);
  for (const admission of valid) {
    if (admission.kind !== 'lobby') continue;
    const signer = admission.signer.userId;
    if (signer !== context.organizer && !coOrganizers.has(signer)) continue;
    for (const user of admission.users) users.add(user);
  }
  return { users, coOrganizers, sequence: newest?.sequence ?? 0 };
}
