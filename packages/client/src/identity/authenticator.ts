// The MLS authentication service of a client (crypto's createAuthenticator: directory key, then
// the pinned key), with one addition: a credential the directory does not know, or knows with
// another key, or whose user the meeting's admission list does not name, makes it wait for a
// directory fetch made after that moment and decide once more.
// So a device registered or re-keyed after the member last looked — even a millisecond after —
// is judged on fresh data (admitted, or flagged as a changed key), never refused on a stale copy.
// The directory's throttle bounds the cost: a flood of unknown credentials shares one fetch per
// interval, and each waits at most an interval plus the fetch.
import { createAuthenticator, type Authenticator, type PinStore } from '@conclave/crypto/member';
import type { Clock } from '../clock.ts';
import type { LiveDirectory } from './directory.ts';

export function refreshingAuthenticator(
  directory: LiveDirectory,
  pins: PinStore,
  clock: Pick<Clock, 'now'>,
): Authenticator {
  const base = createAuthenticator({ directory, pins });
  return {
    async authenticate(identity, signaturePublicKey) {
      const askedAt = clock.now();
      const finding = await base.authenticate(identity, signaturePublicKey);
      const stale =
        finding.kind === 'rejected' &&
        (finding.reason === 'unknown_device' ||
          finding.reason === 'directory_key_mismatch' ||
          finding.reason === 'not_admitted');
      if (!stale) return finding;
      try {
        await directory.refreshSince(askedAt);
      } catch {
        // Unreachable directory: the first answer stands (a refusal).
        return finding;
      }
      return base.authenticate(identity, signaturePublicKey);
    },
  };
}
