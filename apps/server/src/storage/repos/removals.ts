// Users removed from a meeting while it runs (apps/server/src/realtime). Each row names the run it
// belongs to (the meeting's `startedAt` then), so a meeting started again admits them again even
// if the rows of its last run were never cleared.
import type { SqlDb } from '../sql.ts';

export interface MeetingRemoval {
  readonly userId: string;
  /** The meeting's `startedAt` for the run the user was removed from. */
  readonly runStartedAt: number;
  /** The user id of the organizer or admin who removed them. */
  readonly removedBy: string;
  readonly removedAt: number;
}

export function removalsRepo(db: SqlDb) {
  return {
    /** Records (or renews, for a later run) a user's removal. */
    async put(tenantId: string, meetingId: string, removal: MeetingRemoval): Promise<void> {
      await db.run(
        `INSERT INTO meeting_removals
           (tenant_id, meeting_id, user_id, run_started_at, removed_by, removed_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (tenant_id, meeting_id, user_id) DO UPDATE SET
           run_started_at = excluded.run_started_at,
           removed_by = excluded.removed_by,
           removed_at = excluded.removed_at`,
        [
          tenantId,
          meetingId,
          removal.userId,
          removal.runStartedAt,
          removal.removedBy,
          removal.removedAt,
        ],
      );
    },
    /** The ids of the users removed from this run of the meeting. */
    async usersRemoved(
      tenantId: string,
      meetingId: string,
      runStartedAt: number,
    ): Promise<string[]> {
      const rows = await db.all<{ user_id: string }>(
        'SELECT user_id FROM meeting_removals WHERE tenant_id = ? AND meeting_id = ? AND run_started_at = ? ORDER BY user_id',
        [tenantId, meetingId, runStartedAt],
      );
      return rows.map((row) => row.user_id);
    },
    /** The meeting ended: its removals no longer matter. */
    async clear(tenantId: string, meetingId: string): Promise<void> {
      await db.run('DELETE FROM meeting_removals WHERE tenant_id = ? AND meeting_id = ?', [
        tenantId,
        meetingId,
      ]);
    },
  };
}
