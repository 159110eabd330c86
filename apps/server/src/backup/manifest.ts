// What a backup folder holds and how it is checked: `manifest.json` names each file with its
// SHA-256, the schema version, and how many rows each table had, so a restore can prove it
// brought back everything and refuse a copy that was damaged or made by a newer Conclave.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const MANIFEST_FILE = 'manifest.json';
export const DATABASE_FILE = 'conclave.sqlite';

export const manifestSchema = z.object({
  format: z.literal('conclave-backup'),
  formatVersion: z.literal(1),
  createdAt: z.string(),
  database: z.literal('sqlite'),
  /** The highest migration applied in the copied database. */
  schemaVersion: z.number().int(),
  /** File name → SHA-256 (hex) of the files in the folder besides the manifest. */
  files: z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$/)),
  /** Table → rows, as copied. */
  rows: z.record(z.string(), z.number().int().nonnegative()),
  /** Where the secret key that seals the external-sender keys is: in the folder, or not. */
  secretKey: z.union([
    z.object({ included: z.literal(true), keyId: z.string() }),
    z.object({ included: z.literal(false), keyId: z.string().nullable(), reason: z.string() }),
  ]),
});
export type Manifest = z.infer<typeof manifestSchema>;

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
