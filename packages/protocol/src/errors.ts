// The error body every Conclave HTTP endpoint answers with, and its stable codes. Clients switch on
// `code`; `message` is a sentence for a person and never carries a secret or a stack trace.
import { z } from 'zod';
import { reasonSchema } from './governance.ts';

export const errorCodes = [
  'INVALID_INPUT',
  'INVALID_JSON',
  'INVALID_SCENARIO',
  'INVALID_CREDENTIALS',
  'WEAK_PASSWORD',
  'ORGANIZATION_REQUIRED',
  /** The organization turned password sign-in off: sign in through its identity provider. */
  'SSO_REQUIRED',
  /** An admin disabled the account: it cannot sign in until re-enabled. */
  'ACCOUNT_DISABLED',
  /** The password is one-time (set by an admin): change it (POST /api/me/password) first. */
  'PASSWORD_CHANGE_REQUIRED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  /** A state-changing request (or the realtime socket) from a page of another site. */
  'ORIGIN_NOT_ALLOWED',
  'NOT_FOUND',
  'CONFLICT',
  'MEETING_REJECTED',
  'MEETING_OPTIONS_REJECTED',
  'MEETING_START_REFUSED',
  /** A signed admission the server cannot take: malformed, a bad signature, not this meeting's, expired, stale, or not signed by an organizer's device of the caller. */
  'ADMISSION_REFUSED',
  /** In an end-to-end encrypted meeting only an organizer's device can admit (a signed admission). */
  'SIGNED_ADMISSION_REQUIRED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'RATE_LIMITED',
  'INTERNAL',
  /** The server is up but cannot serve now (its database is unreachable): retry after Retry-After. */
  'UNAVAILABLE',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

/** The HTTP status each code is sent with. */
export const errorStatus: Record<ErrorCode, number> = {
  INVALID_INPUT: 400,
  INVALID_JSON: 400,
  INVALID_SCENARIO: 400,
  INVALID_CREDENTIALS: 401,
  WEAK_PASSWORD: 400,
  ORGANIZATION_REQUIRED: 400,
  SSO_REQUIRED: 403,
  ACCOUNT_DISABLED: 403,
  PASSWORD_CHANGE_REQUIRED: 403,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  ORIGIN_NOT_ALLOWED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  MEETING_REJECTED: 409,
  MEETING_OPTIONS_REJECTED: 409,
  MEETING_START_REFUSED: 409,
  ADMISSION_REFUSED: 400,
  SIGNED_ADMISSION_REQUIRED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
};

/** One input problem, named by its JSON path inside the request body (`$.options.recording`). */
export const fieldProblemSchema = z.object({ path: z.string(), message: z.string() });
export type FieldProblem = z.infer<typeof fieldProblemSchema>;

export const errorBodySchema = z.object({
  error: z.object({
    // A string rather than the enum, so an older client still reads a newer server's errors.
    code: z.string(),
    message: z.string(),
    fields: z.array(fieldProblemSchema).exactOptional(),
    reasons: z.array(reasonSchema).exactOptional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/**
 * A JSON path the way the policy engine writes them: `$` is the whole value, then `.key`,
 * `[index]`, or `["odd key"]` — `$.options.recording`, `$.assignments[2].rank`.
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '$';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}
