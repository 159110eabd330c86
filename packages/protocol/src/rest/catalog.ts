// Meeting templates and sensitivity labels (spec §1).
import { z } from 'zod';
import { perIncompatibleOption } from '../governance.ts';
import { slugSchema } from './common.ts';

const templateOptionSchema = z.strictObject({ value: z.boolean(), locked: z.boolean() });

export const templateOptionsSchema = z.strictObject({
  endToEndEncryption: templateOptionSchema.exactOptional(),
  ...perIncompatibleOption(templateOptionSchema),
});

export const templateSchema = z.object({
  id: z.string(),
  name: z.string(),
  options: templateOptionsSchema,
});
export type TemplateView = z.infer<typeof templateSchema>;

export const templateCreateSchema = z.strictObject({
  id: slugSchema.exactOptional(),
  name: z.string().trim().min(1).max(128),
  options: templateOptionsSchema.default({}),
});
export const templateReplaceSchema = z.strictObject({
  name: z.string().trim().min(1).max(128),
  options: templateOptionsSchema.default({}),
});
export const templateResponseSchema = z.object({ template: templateSchema });
export const templateListSchema = z.object({ templates: z.array(templateSchema) });

const labelMeetingSchema = z.strictObject({
  endToEndEncryption: z.enum(['apply', 'dontApply']).exactOptional(),
  /** `require`: this label's E2EE meetings run on the post-quantum suite. */
  postQuantumEncryption: z.enum(['require', 'dontRequire']).exactOptional(),
});

export const labelSchema = z.object({
  id: z.string(),
  name: z.string(),
  meeting: labelMeetingSchema,
});
export type LabelView = z.infer<typeof labelSchema>;

export const labelCreateSchema = z.strictObject({
  id: slugSchema.exactOptional(),
  name: z.string().trim().min(1).max(128),
  meeting: labelMeetingSchema.default({}),
});
export const labelReplaceSchema = z.strictObject({
  name: z.string().trim().min(1).max(128),
  meeting: labelMeetingSchema.default({}),
});
export const labelResponseSchema = z.object({ label: labelSchema });
export const labelListSchema = z.object({ labels: z.array(labelSchema) });
