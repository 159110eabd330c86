// Sign-in, the signed-in user, and their own settings.
import { z } from 'zod';
import { timestampSchema } from './common.ts';

export const roleSchema = z.enum(['admin', 'user']);

export const userSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  email: z.string(),
  displayName: z.string(),
  role: roleSchema,
  /** The licence E2EE meetings need. */
  premium: z.boolean(),
  /** Ids of the groups the user belongs to. */
  groups: z.array(z.string()),
  settings: z.object({ e2eeCalls: z.boolean() }),
  /**
   * The password is one-time (an admin set it): until it is changed, the user's sessions can do
   * nothing but change it (PASSWORD_CHANGE_REQUIRED).
   */
  mustChangePassword: z.boolean(),
  /** An admin disabled the account: no sign-in, no session, until re-enabled. */
  disabled: z.boolean(),
  createdAt: timestampSchema,
});
export type UserView = z.infer<typeof userSchema>;

export const signInRequestSchema = z.strictObject({
  email: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(1024),
  /**
   * The `deviceToken` of an earlier sign-in to this account (browsers send the `conclave_device`
   * cookie instead): while the account is under attack, its owner's devices can still sign in.
   */
  deviceToken: z
    .string()
    .max(128)
    .describe('The deviceToken of an earlier sign-in from this device (CLI, scripts)')
    .exactOptional(),
  /** For an email that accounts of several organizations have (ORGANIZATION_REQUIRED). */
  organization: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .describe('The organization to sign in to, by id or name, when the email is in several')
    .exactOptional(),
});

export const signInResponseSchema = z.object({
  token: z.string(),
  expiresAt: timestampSchema,
  user: userSchema,
  /** Keep it and send it with later sign-ins of this account from this device. Not a session. */
  deviceToken: z.string(),
});

export const meResponseSchema = z.object({ user: userSchema });

export const userSettingsPatchSchema = z.strictObject({ e2eeCalls: z.boolean() });

/**
 * A user changes their own password: the current one proves it is them; the new one must meet the
 * password rule (WEAK_PASSWORD otherwise) and differ from the current one.
 */
export const passwordChangeSchema = z.strictObject({
  currentPassword: z.string().min(1).max(1024),
  newPassword: z
    .string()
    .max(1024)
    .describe(
      'At least 12 characters, not only whitespace, not one of the commonest passwords (else 400 WEAK_PASSWORD)',
    ),
});
