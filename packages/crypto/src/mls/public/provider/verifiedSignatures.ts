// Remembers which signatures verified, for one MlsCrypto (one client). A member checks the same
// signed objects several times — an Add's KeyPackage when the proposal arrives, again when the
// committer re-validates, again when the library applies the commit — and in a 200-person join
// storm those repeats were a large share of each member's work.
//
// Only successes are kept, under a SHA-256 of the public key, message and signature (each length
// prefixed), so a hit means exactly these bytes verified before: the answer cannot differ.
// Nothing secret passes through here.
import { sha256 } from '@noble/hashes/sha2.js';
import type { Signature } from 'ts-mls';
import { toHex } from '../bytes.ts';

const REMEMBERED = 8192;

export function rememberingVerifies(signature: Signature): Signature {
  const verified = new Set<string>();
  return {
    ...signature,
    verify: async (publicKey, message, sig) => {
      const id = toHex(sha256(lengthPrefixed(publicKey, message, sig)));
      if (verified.has(id)) return true;
      const ok = await signature.verify(publicKey, message, sig);
      if (ok) {
        if (verified.size >= REMEMBERED) verified.delete(verified.values().next().value!);
        verified.add(id);
      }
      return ok;
    },
  };
}

function lengthPrefixed(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + 4 + p.length, 0));
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const part of parts) {
    view.setUint32(offset, part.length);
    out.set(part, offset + 4);
    offset += 4 + part.length;
  }
  return out;
}
