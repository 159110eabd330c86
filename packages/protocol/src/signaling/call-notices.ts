// What the server tells a signed-in socket about its user's 1:1 calls, wherever the app is: the
// callee hears `call-ringing` at once, then `call-cancelled` or `call-missed`; the caller hears
// `call-accepted`, `call-declined` or `call-missed`; either hears `call-ended` when the other
// side hangs up. Sent to every socket of that user (on every node of a cluster), joined to a
// meeting or not. A notice is a nudge: the call's record (`GET /api/calls/:id`) is the truth.
import { z } from 'zod';
import { severities } from '@conclave/vocabulary';

const id = z.string().min(1).max(128);

export const callRingingSchema = z.object({
  type: z.literal('call-ringing'),
  callId: id,
  caller: z.object({ id, displayName: z.string() }),
  endToEndEncryption: z.object({ enabled: z.boolean() }),
  /** Why it is (not) end-to-end encrypted, as the call's decision says. */
  reasons: z.array(
    z.object({ code: z.string(), severity: z.enum(severities), message: z.string() }),
  ),
  /** ISO time after which the call counts as missed. */
  ringDeadline: z.string(),
});

/** Each change after ringing carries only the call and the new state's name. */
const changed = <T extends string>(type: T) => z.object({ type: z.literal(type), callId: id });

export const callNoticeSchemas = [
  callRingingSchema,
  changed('call-accepted'),
  changed('call-declined'),
  changed('call-missed'),
  changed('call-cancelled'),
  changed('call-ended'),
] as const;

export const callNoticeTypes = [
  'call-ringing',
  'call-accepted',
  'call-declined',
  'call-missed',
  'call-cancelled',
  'call-ended',
] as const;
export type CallNoticeType = (typeof callNoticeTypes)[number];
export type CallNotice = z.infer<(typeof callNoticeSchemas)[number]>;
