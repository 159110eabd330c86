// Who a Welcome is for, read without any key (RFC 9420 §12.4.3.1): each EncryptedGroupSecrets
// entry names its recipient by KeyPackageRef in the clear. The delivery service uses this to hand
// a Welcome only to the joiners whose KeyPackages it names.
import { MEETING_SUITES } from './crypto.ts';
import { MlsError } from './errors.ts';
import { TlsReader } from './tls.ts';

const MLS10 = 1;
const WIRE_FORMAT_WELCOME = 3;

export interface WelcomeRecipients {
  readonly cipherSuite: number;
  /** The KeyPackageRef of every recipient, in the Welcome's order. */
  readonly keyPackageRefs: Uint8Array[];
}

/**
 * Throws MlsError: 'malformed' for bytes that are not an MLS 1.0 Welcome message, 'unsupported_suite'
 * for a suite neither meeting profile uses (the caller compares it with the meeting's).
 */
export function readWelcomeRecipients(bytes: Uint8Array): WelcomeRecipients {
  if (!(bytes instanceof Uint8Array)) throw new MlsError('malformed');
  const r = new TlsReader(bytes);
  if (r.uint16() !== MLS10 || r.uint16() !== WIRE_FORMAT_WELCOME) throw new MlsError('malformed');
  const cipherSuite = r.uint16();
  if (!Object.values(MEETING_SUITES).some((s) => s.id === cipherSuite))
    throw new MlsError('unsupported_suite');
  const secrets = new TlsReader(r.opaque());
  const keyPackageRefs: Uint8Array[] = [];
  while (secrets.remaining > 0) {
    keyPackageRefs.push(secrets.opaque().slice());
    secrets.opaque(); // kem_output
    secrets.opaque(); // ciphertext
  }
  r.opaque(); // encrypted_group_info
  r.end();
  return { cipherSuite, keyPackageRefs };
}
