// What the authentication service decided, as the meeting's events: a refused credential whose
// key differs from the pinned one is a changed key (flagged to the user); any other refusal is
// reported as refused. Accepted credentials are not events.
import type { AuthEvent } from '@conclave/crypto/member';
import type { KeyChange, RefusedCredential } from './types.ts';

export type FindingEvent =
  | { readonly event: 'keyChanged'; readonly payload: KeyChange }
  | { readonly event: 'refused'; readonly payload: RefusedCredential };

export function findingEvents(findings: readonly AuthEvent[]): FindingEvent[] {
  return findings.flatMap((finding): FindingEvent[] => {
    if (finding.kind !== 'rejected') return [];
    const identity = finding.identity === undefined ? {} : { identity: finding.identity };
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
