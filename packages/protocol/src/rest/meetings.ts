// Meetings (spec §4). Every answer carries the engine's decision and reasons; calls are ./calls.ts.
import { z } from 'zod';
import {
  e2eeStateSchema,
  featuresSchema,
  meetingDecisionSchema,
  meetingOptionsSchema,
  meetingTypeSchema,
} from '../governance.ts';
import { timestampSchema } from './common.ts';
import { meetingTimeRequestShape, meetingTimeShape } from './meeting-times.ts';

export const meetingStateSchema = z.enum(['scheduled', 'started', 'ended']);

export const meetingRequestSchema = z.strictObject({
  subject: z.string().trim().min(1).max(256),
  type: meetingTypeSchema.default('meeting'),
  template: z.string().min(1).max(200).exactOptional(),
  label: z.string().min(1).max(200).exactOptional(),
  options: meetingOptionsSchema.default({}),
  /** User ids of the same tenant who may see the meeting. */
  invitees: z.array(z.string().min(1).max(200)).max(1000).default([]),
  ...meetingTimeRequestShape,
});
export type MeetingRequestBody = z.infer<typeof meetingRequestSchema>;

export const meetingOptionsChangeSchema = z.strictObject({ options: meetingOptionsSchema });

export const meetingSchema = z.object({
  id: z.string(),
  subject: z.string(),
  type: meetingTypeSchema,
  organizer: z.string(),
  template: z.string().nullable(),
  label: z.string().nullable(),
  options: meetingOptionsSchema,
  invitees: z.array(z.string()),
  state: meetingStateSchema,
  endToEndEncryption: e2eeStateSchema,
  features: featuresSchema,
  createdAt: timestampSchema,
  startedAt: timestampSchema.nullable(),
  endedAt: timestampSchema.nullable(),
  ...meetingTimeShape,
});
export type MeetingView = z.infer<typeof meetingSchema>;

export const meetingResponseSchema = z.object({
  meeting: meetingSchema,
  decision: meetingDecisionSchema,
});
export const meetingListSchema = z.object({ meetings: z.array(meetingSchema) });
export const meetingPreviewSchema = z.object({ decision: meetingDecisionSchema });

/** `POST /api/meetings/:id/invitees`: people of the tenant to invite (before the start). */
export const inviteesAddSchema = z.strictObject({
  userIds: z
    .array(z.string().min(1).max(200))
    .min(1, 'Name at least one person to invite.')
    .max(1000, 'At most 1000 people can be invited at once.'),
});
