// Devices and the MLS identity directory: which public signature keys belong to which user.
import { z } from 'zod';
import { signedAdmissionSchema } from './admissions.ts';
import { timestampSchema } from './common.ts';

/** Standard, padded base64 of 32 bytes (Ed25519) up to the largest keys MLS cipher suites use. */
function isPublicKey(value: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) return false;
  const bytes = (value.length / 4) * 3 - (value.match(/=+$/)?.[0].length ?? 0);
  return bytes >= 32 && bytes <= 1024;
}

const base64Key = z
  .string()
  .max(2048)
  .refine(isPublicKey, 'use standard padded base64 of a 32 to 1024 byte public key');

export const deviceCreateSchema = z.strictObject({
  name: z.string().trim().min(1).max(64),
  signaturePublicKey: base64Key,
});

export const deviceSchema = z.object({
  id: z.string(),
  name: z.string(),
  signaturePublicKey: z.string(),
  createdAt: timestampSchema,
});

export const deviceResponseSchema = z.object({ device: deviceSchema });
export const deviceListSchema = z.object({ devices: z.array(deviceSchema) });

export const directorySchema = z.object({
  users: z.array(
    z.object({
      id: z.string(),
      displayName: z.string(),
      devices: z.array(z.object({ id: z.string(), signaturePublicKey: z.string() })),
    }),
  ),
});

/**
 * `GET /api/directory/admissions/:id`: who a meeting or 1:1 call may contain, for the members'
 * authentication services (spec/e2ee.md "Identity": a credential is accepted only if its identity
 * is a user the meeting may contain). A meeting: its organizer, its invitees, and everyone
 * admitted to it otherwise (an admin who entered it, someone of the tenant who opened its link).
 * A call: its two sides. Readable by the people listed (and a meeting's by the tenant's admins).
 * Each entry says why the person is on it. For an end-to-end encrypted meeting members do not take
 * the server's word: they check `signed`, the statements the organizer's devices signed, and
 * accept only whom those admit (docs/e2ee-profile.md "Who may enter").
 */
export const admissionListSchema = z.object({
  id: z.string(),
  kind: z.enum(['meeting', 'call']),
  /** The meeting's organizer (a call: the caller) — whose devices' signatures count. */
  organizer: z.string(),
  /** The signed statements kept for the meeting, still unexpired (none for a call). */
  signed: z.array(signedAdmissionSchema),
  users: z.array(
    z.object({
      userId: z.string(),
      displayName: z.string(),
      /** Shown beside the name when two people of the meeting share one. */
      email: z.string(),
      basis: z.enum(['organizer', 'invitee', 'admitted', 'caller', 'callee']),
      /**
       * `admitted` only: how — let in from the lobby by an organizer or admin (`lobby`), or, before
       * there was a lobby, an admin who entered or someone with the meeting's link.
       */
      via: z.enum(['admin', 'open-link', 'lobby']).exactOptional(),
      admittedAt: timestampSchema.exactOptional(),
    }),
  ),
});
export type AdmissionList = z.infer<typeof admissionListSchema>;
