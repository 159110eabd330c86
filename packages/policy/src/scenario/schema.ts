// The shape of a `policy explain` scenario (§8). Structure only; references between sections
// (unknown user, duplicate rank…) are checked in references.ts once the structure holds.
import { z } from 'zod';
import { isValidVersion } from '../semver.ts';
import { e2eeSettings, incompatibleOptions, meetingTypes, platforms, userRoles } from '../types.ts';
import type { IncompatibleOption } from '../types.ts';

const id = z.string().min(1);
const platform = z.enum(platforms);
const version = z
  .string()
  .refine(isValidVersion, { message: 'must be a semantic version such as 1.4.0' });
const rank = z.number().int().min(1);

const tenant = z.strictObject({
  id: z.string().optional(),
  name: z.string().optional(),
  e2ee: z
    .strictObject({
      maxParticipants: z.number().int().min(1).optional(),
      postQuantum: z.boolean().optional(),
      clients: z
        .strictObject({
          blocked: z.array(platform).optional(),
          minVersion: z.partialRecord(platform, version).optional(),
        })
        .optional(),
    })
    .optional(),
});

const user = z.strictObject({
  id,
  displayName: z.string().optional(),
  role: z.enum(userRoles).optional(),
  premium: z.boolean().optional(),
  groups: z.array(id).optional(),
  settings: z.strictObject({ e2eeCalls: z.boolean().optional() }).optional(),
});

const group = z.strictObject({
  id,
  name: z.string().optional(),
  members: z.array(id).optional(),
});

const policy = z.strictObject({
  name: id,
  description: z.string().optional(),
  meetingEndToEndEncryption: z.enum(e2eeSettings).optional(),
  callingEndToEndEncryption: z.enum(e2eeSettings).optional(),
});

// Targets are checked in references.ts, so a wrong combination gets one clear sentence instead
// of a union's list of every way it failed to match.
const target = {
  user: id.optional(),
  group: id.optional(),
  rank: rank.optional(),
  global: z.literal(true).optional(),
};

const assignment = z.strictObject({ policy: id, ...target });

const complianceRecording = z.strictObject({
  policy: z.string().optional(),
  enabled: z.boolean().optional(),
  ...target,
});

const templateOption = z.strictObject({ value: z.boolean(), locked: z.boolean().optional() });
const templateOptionFlags = Object.fromEntries(
  incompatibleOptions.map((option) => [option, templateOption.optional()]),
) as Record<IncompatibleOption, z.ZodOptional<typeof templateOption>>;

// A template sets end-to-end encryption and, like the admin center's templates, may set (and
// lock) any option E2EE makes unavailable, so a live organization's templates fit a scenario.
const template = z.strictObject({
  id,
  name: z.string().optional(),
  options: z
    .strictObject({ endToEndEncryption: templateOption.optional(), ...templateOptionFlags })
    .optional(),
});

const label = z.strictObject({
  id,
  name: z.string().optional(),
  meeting: z
    .strictObject({
      endToEndEncryption: z.enum(['apply', 'dontApply']).optional(),
      postQuantumEncryption: z.enum(['require', 'dontRequire']).optional(),
    })
    .optional(),
});

const optionFlags = Object.fromEntries(
  incompatibleOptions.map((option) => [option, z.boolean().optional()]),
) as Record<IncompatibleOption, z.ZodOptional<z.ZodBoolean>>;

const meeting = z.strictObject({
  id,
  type: z.enum(meetingTypes),
  organizer: id,
  template: id.optional(),
  label: id.optional(),
  options: z
    .strictObject({ endToEndEncryption: z.boolean().optional(), ...optionFlags })
    .optional(),
});

const join = z.strictObject({
  meeting: id,
  user: id,
  client: z.strictObject({
    platform,
    /** Omitted means unknown, which never meets a minimum version. */
    version: version.optional(),
    e2eeMedia: z.boolean().optional(),
    postQuantum: z.boolean().optional(),
  }),
});

const call = z.strictObject({ id, caller: id, callee: id });

export const scenarioSchema = z.strictObject({
  $schema: z.string().optional(),
  description: z.string().optional(),
  tenant: tenant.optional(),
  users: z.array(user).optional(),
  groups: z.array(group).optional(),
  policies: z.array(policy).optional(),
  assignments: z.array(assignment).optional(),
  complianceRecording: z.array(complianceRecording).optional(),
  templates: z.array(template).optional(),
  labels: z.array(label).optional(),
  meetings: z.array(meeting).optional(),
  joins: z.array(join).optional(),
  calls: z.array(call).optional(),
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioAssignment = z.infer<typeof assignment>;
export type ScenarioComplianceRecording = z.infer<typeof complianceRecording>;
