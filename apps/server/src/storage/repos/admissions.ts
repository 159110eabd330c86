// People admitted to a meeting besides its organizer and invitees: since the lobby, someone an
// organizer (or an admin) let in (`lobby`, with who did); rows from before it say how the person
// entered without one (`admin`, `open-link`). The first admission of a user is kept.
import type { SqlDb } from '../sql.ts';

export type AdmissionVia = 'admin' | 'open-link' | 'lobby';

export interface MeetingAdmission {
  readonly userId: string;
  readonly via: AdmissionVia;
  /** `lobby`: the organizer or admin who let them in. */
  readonly admittedBy?: string;
  readonly admittedAt: number;
}

interface Row {
  user_id: string;
  via: AdmissionVia;
  admitted_by: string | null;
  admitted_at: number;
}

export function admissionsRepo(db: SqlDb) {
  return {
    /** Records `admission` unless that user was admitted to the meeting already. */
    async add(tenantId: string, meetingId: string, admission: MeetingAdmission): Promise<void> {
      await db.run(
        `INSERT INTO meeting_admissions
           (tenant_id, meeting_id, user_id, via, admitted_by, admitted_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (tenant_id, meeting_id, user_id) DO NOTHING`,
        [
          tenantId,
          meetingId,
          admission.userId,
          admission.via,
          admission.admittedBy ?? null,
          admission.admittedAt,
        ],
      );
    },
    /** Forgets `userId`'s admission, if any: an uninvited person must knock again. */
    async remove(tenantId: string, meetingId: string, userId: string): Promise<void> {
      await db.run(
        'DELETE FROM meeting_admissions WHERE tenant_id = ? AND meeting_id = ? AND user_id = ?',
        [tenantId, meetingId, userId],
      );
    },
    async list(tenantId: string, meetingId: string): Promise<MeetingAdmission[]> {
      const rows = await db.all<Row>(
        `SELECT user_id, via, admitted_by, admitted_at FROM meeting_admissions
         WHERE tenant_id = ? AND meeting_id = ? ORDER BY admitted_at, user_id`,
        [tenantId, meetingId],
      );
      return rows.map((row) => ({
        userId: row.user_id,
        via: row.via,
        ...(row.admitted_by === null ? {} : { admittedBy: row.admitted_by }),
        admittedAt: Number(row.admitted_at),
      }));
    },
  };
}
