// Building blocks shared by the REST schemas.
import { z } from 'zod';

/** An id in a URL path. Any string is accepted: an unknown one is a 404, never a 400. */
export const pathIdSchema = z.string().min(1).max(200);

/** An id an admin may choose for a group, template or label (`finance`, `highly-confidential`). */
export const slugSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,63}$/,
    'An id may contain 1 to 64 lowercase letters, digits, dashes or underscores, and starts with a letter or digit.',
  );

/** A policy name, used in URLs: letters, digits, space, dot, dash, underscore. */
export const policyNameSchema = z
  .string()
  .min(1, 'A policy name cannot be empty.')
  .max(64, 'A policy name has at most 64 characters.')
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9 ._-]*$/,
    'A policy name may contain letters, digits, spaces, dots, dashes or underscores, and starts with a letter or digit.',
  );

export const displayNameSchema = z.string().trim().min(1).max(128);

/** An instant on the wire: ISO 8601 in UTC. */
export const timestampSchema = z.iso.datetime();

export const okSchema = z.object({ ok: z.literal(true) });

export const semverSchema = z
  .string()
  .regex(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/, 'use a version like 1.4.0');
