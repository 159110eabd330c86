// Validation under a strict Content-Security-Policy. zod compiles object parsers with `Function`
// when it can, and finds out whether it can by trying: under a policy without 'unsafe-eval' (the
// server's: apps/server/src/http/security-headers.ts) that try is refused and reported as a
// violation. A browser app calls this once, before it parses anything; parsing is the same,
// only interpreted.
import { z } from 'zod';

export function validateWithoutEval(): void {
  z.config({ jitless: true });
}
