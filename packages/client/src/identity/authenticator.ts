// The MLS authentication service of a client (crypto's createAuthenticator: directory key, then
// the pinned key), with one addition: a credential the directory does not know, or knows with
// another key, makes it fetch the directory again (rate limited) and decide once more. So a
// device registered or re-keyed after the meeting started is judged on fresh data — admitted, or
// flagged as a changed key — instead of on a stale copy.
import { createAuthenticator, type Authenticator, type PinStore } from '@conclave/crypto/member';
import type { LiveDirectory } from './directory.ts';

export function refreshingAuthenticator(directory: LiveDirectory, pins: PinStore): Authenticator {
  const base = createAuthenticator({ directory, pins });
  return {
    async authenticate(identity, signaturePublicKey) {
      const finding = await base.authenticate(identity, signaturePublicKey);
      const stale =
        finding.kind === 'rejected' &&
        (finding.reason === 'unknown_device' || finding.reason === 'directory_key_mismatch');
      if (!stale || !directory.mayRefresh()) return finding;
      try {
        await directory.refresh();
      } catch {
        // Unreachable directory: the first answer stands (a refusal).
        return finding;
      }
      return base.authenticate(identity, signaturePublicKey);
    },
  };
}
