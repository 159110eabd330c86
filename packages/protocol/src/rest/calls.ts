// 1:1 calls (spec §6): placing one, its life (ringing → accepted / declined / missed / cancelled
// → ended), and the history each side reads. Every answer carries the E2EE decision's reasons.
import { z } from 'zod';
import { callDecisionSchema, reasonSchema } from '../governance.ts';
import { timestampSchema } from './common.ts';

/**
 * Where a call is in its life. `ringing` until the callee answers or the ring deadline passes
 * (`missed`); the caller hanging up first is `cancelled`; an accepted call is `ended` by either side.
 */
export const callStates = [
  'ringing',
  'accepted',
  'declined',
  'missed',
  'cancelled',
  'ended',
] as const;
export const callStateSchema = z.enum(callStates);
export type CallState = z.infer<typeof callStateSchema>;

/** What a side may do to a call: `POST /api/calls/:id/<action>`. */
export const callActions = ['accept', 'decline', 'cancel', 'end'] as const;
export type CallAction = (typeof callActions)[number];

export const callRequestSchema = z.strictObject({ callee: z.string().min(1).max(200) });
export const callSchema = z.object({
  id: z.string(),
  caller: z.string(),
  callee: z.string(),
  endToEndEncryption: z.object({ enabled: z.boolean() }),
  state: callStateSchema,
  /** Placed, and so started ringing. */
  createdAt: timestampSchema,
  /** When a call still ringing counts as missed. */
  ringDeadline: timestampSchema,
  /** When the callee accepted; null if they did not. */
  answeredAt: timestampSchema.nullable(),
  /** When it stopped: declined, missed, cancelled or ended; null while ringing or accepted. */
  endedAt: timestampSchema.nullable(),
});
export type CallView = z.infer<typeof callSchema>;
export const callResponseSchema = z.object({ call: callSchema, decision: callDecisionSchema });

/** A call as one of its two sides sees it: who the other side is and why it is (not) E2EE. */
export const callSummarySchema = callSchema.extend({
  direction: z.enum(['outgoing', 'incoming']),
  other: z.object({ id: z.string(), displayName: z.string() }),
  reasons: z.array(reasonSchema),
});
export type CallSummaryView = z.infer<typeof callSummarySchema>;
/** `GET /api/calls`: my call history, newest first. */
export const callListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const callListSchema = z.object({ calls: z.array(callSummarySchema) });
export const callSummaryResponseSchema = z.object({ call: callSummarySchema });
