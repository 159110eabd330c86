// Organizer-signed admissions (spec/e2ee.md "Group keys"; docs/e2ee-profile.md "Who may enter"):
// the statement bytes an organizer's device signed and the signature, both standard padded base64.
// The server checks and keeps them and hands them to members, who check them again themselves —
// the statement's format and meaning are the crypto package's (`encodeAdmission`).
import { z } from 'zod';

function isBase64(value: string): boolean {
  return /^[A-Za-z0-9+/]*={0,2}$/.test(value) && value.length % 4 === 0 && value.length > 0;
}

/** A statement names at most a few thousand people; this bounds what a request may carry. */
const MAX_STATEMENT_BASE64 = 400_000;

/**
 * The body a route taking a signed admission accepts, in bytes: above the app's 64 KiB, so the
 * invitation list of a 1,000-person E2EE meeting (and more) fits.
 */
export const ADMISSION_BODY_LIMIT = MAX_STATEMENT_BASE64 + 16 * 1024;

export const signedAdmissionSchema = z.strictObject({
  statement: z.string().max(MAX_STATEMENT_BASE64).refine(isBase64, 'use standard padded base64'),
  signature: z.string().max(4096).refine(isBase64, 'use standard padded base64'),
});
export type SignedAdmissionWire = z.infer<typeof signedAdmissionSchema>;

/** `POST /api/meetings/:id/admissions`: an organizer's device hands in a signed statement. */
export const admissionSubmitSchema = z.strictObject({ admission: signedAdmissionSchema });

/** What the server took from it. */
export const admissionSubmittedSchema = z.object({
  kind: z.enum(['invitation-list', 'lobby']),
  sequence: z.number().int().nonnegative(),
  users: z.array(z.string()),
  expiresAt: z.string(),
});
export type AdmissionSubmitted = z.infer<typeof admissionSubmittedSchema>;
