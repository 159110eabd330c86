// Fingerprints of keys taken from the library's tree. Tree nodes are shared between successive
// states, so each key's fingerprint is computed once; only keys the library owns (never a caller's
// reusable buffer) go through this cache.
import { keyFingerprint } from '../public/fingerprint.ts';

const fingerprints = new WeakMap<Uint8Array, string>();

export function fingerprintOf(key: Uint8Array): string {
  let fingerprint = fingerprints.get(key);
  if (fingerprint === undefined) {
    fingerprint = keyFingerprint(key);
    fingerprints.set(key, fingerprint);
  }
  return fingerprint;
}
