// The audit log, the what-if explainer and the effective-policy lookup (spec §7, §8, §2).
import { z } from 'zod';
import type { E2eeState, FeatureState, IncompatibleOption, Reason } from '@conclave/vocabulary';
import { platformSchema, policySourceSchema } from '../governance.ts';
import { encryptionPolicySchema } from './policies.ts';
import { timestampSchema } from './common.ts';

/** The filters the audit list and its export share. */
const auditFilters = {
  /** An exact kind (`meeting.rejected`) or a family (`meeting`). */
  kind: z
    .string()
    .regex(/^[a-z][a-z0-9._-]{0,63}$/, 'a kind like meeting.rejected or meeting')
    .exactOptional(),
  /** Entries at or after this time (ISO 8601, e.g. 2026-12-01T00:00:00Z). */
  from: z.iso
    .datetime({ offset: true, error: 'a date and time like 2026-12-01T00:00:00Z' })
    .exactOptional(),
  /** Entries before this time. */
  to: z.iso
    .datetime({ offset: true, error: 'a date and time like 2026-12-31T00:00:00Z' })
    .exactOptional(),
};

function rangeInOrder(query: { from?: string; to?: string }): boolean {
  return (
    query.from === undefined ||
    query.to === undefined ||
    Date.parse(query.from) < Date.parse(query.to)
  );
}
const rangeProblem = { message: 'The start of the range must be before its end.', path: ['to'] };

export const auditQuerySchema = z
  .strictObject({
    limit: z.coerce.number().int().min(1).max(500).default(50),
    /** Only entries older than this entry id (for paging back). */
    before: z
      .string()
      .regex(/^\d{1,15}$/, 'an audit entry id')
      .exactOptional(),
    ...auditFilters,
  })
  .refine(rangeInOrder, rangeProblem);

/** The whole filtered log as a file: `csv` (a spreadsheet) or `json` (the entries, as listed). */
export const auditExportQuerySchema = z
  .strictObject({ format: z.enum(['csv', 'json']).default('json'), ...auditFilters })
  .refine(rangeInOrder, rangeProblem);
/** At most this many entries (the newest) go into one export. */
export const AUDIT_EXPORT_LIMIT = 10_000;

export const auditEntrySchema = z.object({
  id: z.string(),
  at: timestampSchema,
  actor: z.object({ id: z.string(), displayName: z.string() }).nullable(),
  kind: z.string(),
  subject: z.string(),
  /** The name of what `subject` names (a person, meeting, policy, group…), when it still exists. */
  subjectName: z.string().optional(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEntryView = z.infer<typeof auditEntrySchema>;
export const auditListSchema = z.object({ entries: z.array(auditEntrySchema) });

export const explainRequestSchema = z.strictObject({
  /** A `policy explain` scenario (spec §8); validated by the engine, problems name JSON paths in it. */
  scenario: z.unknown(),
});
/** The spec §8 output, as the engine produces it. */
export const explainResponseSchema = z.record(z.string(), z.unknown());

/**
 * The what-if against the live organization: one person joining one of its meetings (or a new
 * meeting they would organize) from one kind of client, decided over the organization as it is.
 */
export const liveExplainRequestSchema = z.strictObject({
  user: z.string().min(1).max(200),
  /** A meeting of the organization; omitted: a new E2EE meeting `user` would organize. */
  meeting: z.string().min(1).max(200).optional(),
  client: z.strictObject({
    platform: platformSchema,
    version: z
      .string()
      .regex(/^\d{1,9}\.\d{1,9}\.\d{1,9}$/, { message: 'must be a version such as 1.4.0' })
      .optional(),
    e2eeMedia: z.boolean().optional(),
    postQuantum: z.boolean().optional(),
  }),
});
export type LiveExplainRequest = z.infer<typeof liveExplainRequestSchema>;
/** The scenario it ran (edit it to try a change before making it) and the §8 output. */
export const liveExplainResponseSchema = z.object({
  scenario: z.record(z.string(), z.unknown()),
  output: explainResponseSchema,
});

// The §8 answer's shape, for clients that show it (the response schema above leaves it to the
// engine). A reason there is the spec's code, severity and message, without the short `cause`.
export type ExplainedReason = Omit<Reason, 'cause'>;
export interface ExplainedMeeting {
  id: string;
  outcome: 'scheduled' | 'rejected';
  endToEndEncryption?: E2eeState;
  features?: Partial<Record<IncompatibleOption, FeatureState>>;
  reasons: ExplainedReason[];
}
export interface ExplainedJoin {
  meeting: string;
  user: string;
  outcome: 'admitted' | 'blocked';
  reasons: ExplainedReason[];
}
export interface ExplainedCall {
  id: string;
  endToEndEncryption: { enabled: boolean };
  reasons: ExplainedReason[];
}
export interface ExplainOutput {
  /** `source` is 'direct', 'global' or 'group:<group id>' (§2). */
  effectivePolicies: Record<string, { policy: string; source: string }>;
  meetings: ExplainedMeeting[];
  joins: ExplainedJoin[];
  calls: ExplainedCall[];
}

export const effectivePolicyResponseSchema = z.object({
  policy: encryptionPolicySchema,
  source: policySourceSchema,
});
