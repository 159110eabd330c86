// The tenant's settings, its users and its groups (spec §1).
import { z } from 'zod';
import { platformSchema } from '../governance.ts';
import { userSchema, roleSchema } from './auth.ts';
import { displayNameSchema, semverSchema, slugSchema, timestampSchema } from './common.ts';

export const tenantE2eeSchema = z.object({
  maxParticipants: z.int(),
  /** Every E2EE meeting runs on the post-quantum suite; absent means false. */
  postQuantum: z.boolean().exactOptional(),
  clients: z.object({
    blocked: z.array(platformSchema),
    minVersion: z.partialRecord(platformSchema, z.string()),
  }),
});

export const tenantSchema = z.object({ id: z.string(), name: z.string(), e2ee: tenantE2eeSchema });
export const tenantResponseSchema = z.object({ tenant: tenantSchema });

/** Only the given fields change; `blocked` and `minVersion` are replaced as a whole when given. */
export const tenantPatchSchema = z.strictObject({
  name: z.string().trim().min(1).max(128).exactOptional(),
  e2ee: z
    .strictObject({
      // Up to 1,000: an MLS group that size still converges (issue 11); the seed default is 200.
      maxParticipants: z.int().min(2).max(1_000).exactOptional(),
      postQuantum: z.boolean().exactOptional(),
      clients: z
        .strictObject({
          blocked: z.array(platformSchema).max(20).exactOptional(),
          minVersion: z.partialRecord(platformSchema, semverSchema).exactOptional(),
        })
        .exactOptional(),
    })
    .exactOptional(),
});

/**
 * The server checks the rest and answers WEAK_PASSWORD with a sentence: at least 12 characters,
 * not only whitespace, not a short pattern repeated, not one of the commonest passwords.
 */
const passwordSchema = z
  .string()
  .max(1024)
  .describe(
    'At least 12 characters, not only whitespace, not one of the commonest passwords (else 400 WEAK_PASSWORD)',
  );

export const userCreateSchema = z.strictObject({
  email: z.email().max(320),
  displayName: displayNameSchema,
  role: roleSchema.default('user'),
  premium: z.boolean().default(false),
  /** Omit to have the server generate a one-time password, returned once. */
  password: passwordSchema.exactOptional(),
  /**
   * Whether the user must change the password at first sign-in (true unless said otherwise: a
   * password an admin knows is one-time). A generated password is always one-time.
   */
  mustChangePassword: z
    .boolean()
    .describe('Whether the password is one-time: changed at first sign-in (default true)')
    .default(true),
});

export const userPatchSchema = z.strictObject({
  email: z.email().max(320).exactOptional(),
  displayName: displayNameSchema.exactOptional(),
  role: roleSchema.exactOptional(),
  premium: z.boolean().exactOptional(),
  password: passwordSchema.exactOptional(),
  /** With `password`: whether it is one-time (default true); alone, sets or clears the demand. */
  mustChangePassword: z.boolean().exactOptional(),
});

/** What a bulk action does to each of the selected users. */
export const userBulkActionSchema = z.discriminatedUnion('kind', [
  /** Assign this encryption policy to each user directly (replacing a direct one they had). */
  z.strictObject({
    kind: z.literal('grant-encryption-policy'),
    policy: z.string().min(1).max(128),
  }),
  /** Give each user the premium licence, or take it away. */
  z.strictObject({ kind: z.literal('set-premium'), premium: z.boolean() }),
]);
export type UserBulkAction = z.infer<typeof userBulkActionSchema>;

/** One action on many users of the organization, all or nothing. */
export const userBulkSchema = z.strictObject({
  userIds: z.array(z.string().min(1).max(200)).min(1).max(1_000),
  action: userBulkActionSchema,
});
export const userBulkResponseSchema = z.object({ users: z.array(userSchema) });

export const userResponseSchema = z.object({
  user: userSchema,
  /** Present only when the server generated the password: shown this once, never stored in clear. */
  password: z.string().exactOptional(),
});
export const userListSchema = z.object({ users: z.array(userSchema) });

export const groupSchema = z.object({
  id: z.string(),
  name: z.string(),
  members: z.array(z.string()),
  createdAt: timestampSchema,
});
export const groupCreateSchema = z.strictObject({
  id: slugSchema.exactOptional(),
  name: z.string().trim().min(1).max(128),
  members: z.array(z.string().min(1).max(200)).max(10_000).default([]),
});
/** `members`, when given, replaces the member list. */
export const groupPatchSchema = z.strictObject({
  name: z.string().trim().min(1).max(128).exactOptional(),
  members: z.array(z.string().min(1).max(200)).max(10_000).exactOptional(),
});
export const groupMemberAddSchema = z.strictObject({ userId: z.string().min(1).max(200) });
export const groupResponseSchema = z.object({ group: groupSchema });
export const groupListSchema = z.object({ groups: z.array(groupSchema) });
