// What the authentication service decided, as the meeting's events: a refused credential whose
// key differs from the pinned one is a changed key (flagged to the user); any other refusal is
// reported as refused, each with the person's display name when the directory knows it, so the UI
// can say who. Accepted credentials are not events here (first sightings: ./device-sightings.ts).
import type { AuthEvent, MemberIdentity } from '@conclave/crypto/member';
import type { KeyChange, RefusedCredential, SecurityAlarm } from './types.ts';

export type FindingEvent =
  | { readonly event: 'keyChanged'; readonly payload: KeyChange }
  | { readonly event: 'refused'; readonly payload: RefusedCredential };

export function findingEvents(
  findings: readonly AuthEvent[],
  nameOf: (userId: string) => string | undefined = () => undefined,
  wasVerified: (identity: MemberIdentity, fingerprint: string) => boolean = () => false,
): FindingEvent[] {
  return findings.flatMap((finding): FindingEvent[] => {
    if (finding.kind !== 'rejected') return [];
    const name = finding.identity === undefined ? undefined : nameOf(finding.identity.userId);
    const identity = {
      ...(finding.identity === undefined ? {} : { identity: finding.identity }),
      ...(name === undefined ? {} : { displayName: name }),
    };
    if (finding.reason === 'key_changed') {
      return [
        {
          event: 'keyChanged',
          payload: {
            subject: 'device',
            fingerprint: finding.fingerprint,
            ...identity,
            ...(finding.pinnedFingerprint === undefined
              ? {}
              : { pinnedFingerprint: finding.pinnedFingerprint }),
            ...(finding.identity !== undefined && wasVerified(finding.identity, finding.fingerprint)
              ? { wasVerified: true }
              : {}),
          },
        },
      ];
    }
    return [
      {
        event: 'refused',
        payload: { reason: finding.reason, fingerprint: finding.fingerprint, ...identity },
      },
    ];
  });
}

/**
 * The alarm a refusal raises, if it is one: a credential refused as `not_admitted` in a proposal or
 * commit means the server tried to add someone no organizer's signed admission covers (an honest
 * server proposes only covered Adds, and a member re-reads the statements before deciding).
 */
export function alarmOf(refused: RefusedCredential): SecurityAlarm | undefined {
  if (refused.reason !== 'not_admitted') return undefined;
  const who = refused.displayName ?? refused.identity?.userId;
  return {
    kind: 'unadmitted-add',
    message:
      'The server tried to add a participant no organizer admitted' +
      (who === undefined ? '.' : `: ${who}.`) +
      ' This device refused, and the meeting’s keys stay as they were.',
    ...(refused.identity === undefined ? {} : { identity: refused.identity }),
    ...(refused.displayName === undefined ? {} : { displayName: refused.displayName }),
    fingerprint: refused.fingerprint,
  };
}
