// A member's key fingerprint, shown beside their name so two people can compare it side by side:
//   SHA-512("Conclave key fingerprint v1" || 0x00 || signature_public_key) → 12 groups of 5 digits.
// Public data only: the server may compute it too.
import { sha512 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8 } from './bytes.ts';
import { digitGroups } from './digits.ts';

const LABEL = utf8.encode('Conclave key fingerprint v1\0');

export function keyFingerprint(signaturePublicKey: Uint8Array): string {
  return digitGroups(sha512(concatBytes(LABEL, signaturePublicKey)), 12);
}
