// Encryption policies, compliance recording policies, and their assignments (spec §1, §2).
import { z } from 'zod';
import { e2eeSettingSchema } from '../governance.ts';
import { pathIdSchema, policyNameSchema, timestampSchema } from './common.ts';

export const encryptionPolicySchema = z.object({
  name: z.string(),
  description: z.string(),
  meetingEndToEndEncryption: e2eeSettingSchema,
  callingEndToEndEncryption: e2eeSettingSchema,
});
export type EncryptionPolicyView = z.infer<typeof encryptionPolicySchema>;

export const encryptionPolicyCreateSchema = z.strictObject({
  name: policyNameSchema,
  description: z.string().max(1024).default(''),
  // A new policy starts at "Not enabled", as in the Teams admin center.
  meetingEndToEndEncryption: e2eeSettingSchema.default('Disabled'),
  callingEndToEndEncryption: e2eeSettingSchema.default('Disabled'),
});

export const encryptionPolicyPatchSchema = z.strictObject({
  description: z.string().max(1024).exactOptional(),
  meetingEndToEndEncryption: e2eeSettingSchema.exactOptional(),
  callingEndToEndEncryption: e2eeSettingSchema.exactOptional(),
});

export const encryptionPolicyResponseSchema = z.object({ policy: encryptionPolicySchema });
export const encryptionPolicyListSchema = z.object({ policies: z.array(encryptionPolicySchema) });

export const compliancePolicySchema = z.object({ name: z.string(), enabled: z.boolean() });
export const compliancePolicyCreateSchema = z.strictObject({
  name: policyNameSchema,
  enabled: z.boolean().default(true),
});
export const compliancePolicyPatchSchema = z.strictObject({ enabled: z.boolean().exactOptional() });
export const compliancePolicyResponseSchema = z.object({ policy: compliancePolicySchema });
export const compliancePolicyListSchema = z.object({ policies: z.array(compliancePolicySchema) });

export const policyNameParamsSchema = z.object({ name: pathIdSchema });

/** Where a policy applies: one user, a group at a rank (1 = highest), or the whole organization. */
export const assignmentCreateSchema = z.union([
  z.strictObject({ policy: policyNameSchema, user: z.string().min(1).max(200) }),
  z.strictObject({
    policy: policyNameSchema,
    group: z.string().min(1).max(200),
    rank: z.int().min(1).max(10_000),
  }),
  z.strictObject({ policy: policyNameSchema, global: z.literal(true) }),
]);
export type AssignmentCreate = z.infer<typeof assignmentCreateSchema>;

export const assignmentSchema = z.union([
  z.object({ id: z.string(), policy: z.string(), user: z.string(), createdAt: timestampSchema }),
  z.object({
    id: z.string(),
    policy: z.string(),
    group: z.string(),
    rank: z.number(),
    createdAt: timestampSchema,
  }),
  z.object({
    id: z.string(),
    policy: z.string(),
    global: z.literal(true),
    createdAt: timestampSchema,
  }),
]);
export type AssignmentView = z.infer<typeof assignmentSchema>;

export const assignmentResponseSchema = z.object({
  assignment: assignmentSchema,
  /** The assignment this one replaced (same user, same group, or the org-wide default). */
  replaced: z.string().exactOptional(),
});
export const assignmentListSchema = z.object({ assignments: z.array(assignmentSchema) });
