// Wire schemas and types of governance: the enums, the reasons and the decisions the server sends
// back. The constants come from the shared vocabulary (never from the engine), so a new reason
// code or option reaches the wire in one place and the contract does not carry the rule book.
import { z } from 'zod';
import type { IncompatibleOption } from '@conclave/vocabulary';
import {
  e2eeSettings,
  e2eeSources,
  incompatibleOptions,
  meetingTypes,
  platforms,
  postQuantumSources,
  reasonCodes,
  severities,
} from '@conclave/vocabulary';

export type { E2eeState, FeatureState, Reason } from '@conclave/vocabulary';

export const reasonSchema = z.object({
  code: z.enum(reasonCodes),
  severity: z.enum(severities),
  message: z.string(),
  option: z.enum(incompatibleOptions).exactOptional(),
  cause: z.string().exactOptional(),
});

export const e2eeSettingSchema = z.enum(e2eeSettings);
export const meetingTypeSchema = z.enum(meetingTypes);
export const platformSchema = z.enum(platforms);
export const incompatibleOptionSchema = z.enum(incompatibleOptions);

/**
 * A shape with every incompatible option (§1) as an optional key of the given schema. Plain
 * `optional` (absent or undefined), matching the engine's `Partial<Record<IncompatibleOption, …>>`;
 * named fields elsewhere use `exactOptional`, matching the engine's `field?: T`.
 */
export function perIncompatibleOption<S extends z.ZodType>(
  schema: S,
): Record<IncompatibleOption, z.ZodOptional<S>> {
  return Object.fromEntries(
    incompatibleOptions.map((option) => [option, schema.optional()]),
  ) as Record<IncompatibleOption, z.ZodOptional<S>>;
}

/**
 * Requested meeting options: E2EE and the twelve options E2EE rules out, each on or off; and who
 * may enter (governance.md §5): with `onlyInvited`, people neither organizer nor invited are
 * refused ("You are not invited to this meeting") instead of waiting in the lobby to be let in.
 */
export const meetingOptionsSchema = z.strictObject({
  endToEndEncryption: z.boolean().optional(),
  onlyInvited: z.boolean().optional(),
  ...perIncompatibleOption(z.boolean()),
});
export type MeetingOptions = z.infer<typeof meetingOptionsSchema>;

export const e2eeStateSchema = z.object({
  enabled: z.boolean(),
  locked: z.boolean(),
  source: z.enum(e2eeSources),
  /** Present for a post-quantum meeting (X-Wing MLS, SFrame AES-256-GCM): what requires it. */
  postQuantum: z.object({ source: z.enum(postQuantumSources) }).exactOptional(),
});

export const featureStateSchema = z.object({
  enabled: z.boolean(),
  locked: z.boolean(),
  reason: z.enum(reasonCodes).exactOptional(),
});

export const featuresSchema = z.partialRecord(incompatibleOptionSchema, featureStateSchema);

export const meetingDecisionSchema = z.discriminatedUnion('outcome', [
  z.object({
    outcome: z.literal('scheduled'),
    endToEndEncryption: e2eeStateSchema,
    features: featuresSchema,
    reasons: z.array(reasonSchema),
  }),
  z.object({ outcome: z.literal('rejected'), reasons: z.array(reasonSchema) }),
]);
/** A scheduling, change or start decision as the server sends it. */
export type MeetingDecision = z.infer<typeof meetingDecisionSchema>;

export const callDecisionSchema = z.object({
  endToEndEncryption: z.object({ enabled: z.boolean() }),
  reasons: z.array(reasonSchema),
});
export type CallDecision = z.infer<typeof callDecisionSchema>;

export const policySourceSchema = z.string().describe("'direct', 'group:<group id>' or 'global'");
