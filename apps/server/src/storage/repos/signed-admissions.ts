// Admissions signed on an organizer's (or co-organizer's) device for an E2EE meeting, kept as
// signed — the statement bytes and the signature, base64, exactly as the device sent them — with
// what the server read from them (../../governance/signed-admissions.ts verified them first).
// Members fetch the bytes and check them again themselves; the server decides who enters from the
// fields. At most one invitation list per sequence (a unique index): a racing duplicate fails.
import type { SqlDb } from '../sql.ts';

export type SignedAdmissionKind = 'invitation-list' | 'lobby';

export interface SignedAdmissionRecord {
  readonly id: string;
  readonly kind: SignedAdmissionKind;
  readonly sequence: number;
  readonly signerUserId: string;
  readonly signerDeviceId: string;
  readonly users: readonly string[];
  readonly coOrganizers: readonly string[];
  readonly issuedAt: number;
  readonly expiresAt: number;
  /** Standard padded base64 of the statement bytes and of the signature. */
  readonly statement: string;
  readonly signature: string;
  readonly createdAt: number;
}

interface Row {
  id: string;
  kind: SignedAdmissionKind;
  sequence: number | string;
  signer_user_id: string;
  signer_device_id: string;
  users: string;
  co_organizers: string;
  issued_at: number | string;
  expires_at: number | string;
  statement: string;
  signature: string;
  created_at: number | string;
}

const columns =
  'id, kind, sequence, signer_user_id, signer_device_id, users, co_organizers, issued_at, expires_at, statement, signature, created_at';

function stringList(json: string): string[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

const toRecord = (row: Row): SignedAdmissionRecord => ({
  id: row.id,
  kind: row.kind,
  sequence: Number(row.sequence),
  signerUserId: row.signer_user_id,
  signerDeviceId: row.signer_device_id,
  users: stringList(row.users),
  coOrganizers: stringList(row.co_organizers),
  issuedAt: Number(row.issued_at),
  expiresAt: Number(row.expires_at),
  statement: row.statement,
  signature: row.signature,
  createdAt: Number(row.created_at),
});

export function signedAdmissionsRepo(db: SqlDb) {
  return {
    async add(tenantId: string, meetingId: string, record: SignedAdmissionRecord): Promise<void> {
      await db.run(
        `INSERT INTO meeting_signed_admissions (tenant_id, meeting_id, ${columns})
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          tenantId,
          meetingId,
          record.id,
          record.kind,
          record.sequence,
          record.signerUserId,
          record.signerDeviceId,
          JSON.stringify(record.users),
          JSON.stringify(record.coOrganizers),
          record.issuedAt,
          record.expiresAt,
          record.statement,
          record.signature,
          record.createdAt,
        ],
      );
    },
    /** The meeting's statements that have not expired at `now`: lists newest first, then lobby ones. */
    async list(tenantId: string, meetingId: string, now: number): Promise<SignedAdmissionRecord[]> {
      const rows = await db.all<Row>(
        `SELECT ${columns} FROM meeting_signed_admissions
         WHERE tenant_id = ? AND meeting_id = ? AND expires_at > ?
         ORDER BY kind, sequence DESC, issued_at DESC, created_at, id`,
        [tenantId, meetingId, now],
      );
      return rows.map(toRecord);
    },
    /** The highest invitation-list sequence ever stored for the meeting (expired ones too), or 0. */
    async newestSequence(tenantId: string, meetingId: string): Promise<number> {
      const row = await db.get<{ newest: number | string | null }>(
        `SELECT MAX(sequence) AS newest FROM meeting_signed_admissions
         WHERE tenant_id = ? AND meeting_id = ? AND kind = 'invitation-list'`,
        [tenantId, meetingId],
      );
      return Number(row?.newest ?? 0);
    },
  };
}
