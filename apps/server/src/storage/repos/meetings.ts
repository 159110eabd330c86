import type { MeetingOptions, MeetingType } from '@conclave/policy';
import type { Recurrence } from '@conclave/protocol';
import type { MeetingRecord, MeetingState, ScheduledDecision } from '../records.ts';
import type { SqlDb } from '../sql.ts';

interface Row {
  id: string;
  organizer_id: string;
  subject: string;
  type: MeetingType;
  template_id: string | null;
  label_id: string | null;
  options: string;
  state: MeetingState;
  decision: string;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  start_at: number;
  time_zone: string;
  duration_minutes: number;
  recurrence: string | null;
}

const columns =
  'id, organizer_id, subject, type, template_id, label_id, options, state, decision, created_at, started_at, ended_at, start_at, time_zone, duration_minutes, recurrence';

const toRecord = (row: Row, invitees: string[]): MeetingRecord => ({
  id: row.id,
  subject: row.subject,
  type: row.type,
  organizer: row.organizer_id,
  template: row.template_id,
  label: row.label_id,
  options: JSON.parse(row.options) as MeetingOptions,
  invitees,
  state: row.state,
  decision: JSON.parse(row.decision) as ScheduledDecision,
  createdAt: row.created_at,
  startedAt: row.started_at,
  endedAt: row.ended_at,
  // BIGINT columns come back from PostgreSQL as strings.
  startAt: Number(row.start_at),
  timeZone: row.time_zone,
  durationMinutes: Number(row.duration_minutes),
  recurrence: row.recurrence === null ? null : (JSON.parse(row.recurrence) as Recurrence),
});

export interface MeetingUpdate {
  options: MeetingOptions;
  state: MeetingState;
  decision: ScheduledDecision;
  startedAt: number | null;
  endedAt: number | null;
}

export function meetingsRepo(db: SqlDb) {
  async function inviteesOf(tenantId: string, meetingId: string): Promise<string[]> {
    const rows = await db.all<{ user_id: string }>(
      'SELECT user_id FROM meeting_invitees WHERE tenant_id = ? AND meeting_id = ? ORDER BY user_id',
      [tenantId, meetingId],
    );
    return rows.map((row) => row.user_id);
  }

  return {
    async create(tenantId: string, meeting: MeetingRecord): Promise<void> {
      await db.run(
        `INSERT INTO meetings (tenant_id, ${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          tenantId,
          meeting.id,
          meeting.organizer,
          meeting.subject,
          meeting.type,
          meeting.template,
          meeting.label,
          JSON.stringify(meeting.options),
          meeting.state,
          JSON.stringify(meeting.decision),
          meeting.createdAt,
          meeting.startedAt,
          meeting.endedAt,
          meeting.startAt,
          meeting.timeZone,
          meeting.durationMinutes,
          meeting.recurrence === null ? null : JSON.stringify(meeting.recurrence),
        ],
      );
      for (const userId of new Set(meeting.invitees)) {
        await db.run(
          'INSERT INTO meeting_invitees (tenant_id, meeting_id, user_id) VALUES (?, ?, ?)',
          [tenantId, meeting.id, userId],
        );
      }
    },
    async get(tenantId: string, id: string): Promise<MeetingRecord | undefined> {
      const row = await db.get<Row>(
        `SELECT ${columns} FROM meetings WHERE tenant_id = ? AND id = ?`,
        [tenantId, id],
      );
      return row && toRecord(row, await inviteesOf(tenantId, id));
    },
    /** Meetings the user organizes or is invited to, newest first. */
    async listForUser(tenantId: string, userId: string): Promise<MeetingRecord[]> {
      const rows = await db.all<Row>(
        `SELECT ${columns} FROM meetings WHERE tenant_id = ? AND (organizer_id = ? OR id IN (
           SELECT meeting_id FROM meeting_invitees WHERE tenant_id = ? AND user_id = ?))
         ORDER BY created_at DESC, id`,
        [tenantId, userId, tenantId, userId],
      );
      const meetings: MeetingRecord[] = [];
      for (const row of rows) meetings.push(toRecord(row, await inviteesOf(tenantId, row.id)));
      return meetings;
    },
    /** Adds each of `userIds` not invited yet; returns those added. */
    async addInvitees(tenantId: string, meetingId: string, userIds: string[]): Promise<string[]> {
      const added: string[] = [];
      for (const userId of new Set(userIds)) {
        const changed = await db.run(
          `INSERT INTO meeting_invitees (tenant_id, meeting_id, user_id) VALUES (?, ?, ?)
           ON CONFLICT (tenant_id, meeting_id, user_id) DO NOTHING`,
          [tenantId, meetingId, userId],
        );
        if (changed === 1) added.push(userId);
      }
      return added;
    },
    /** Whether `userId` was invited (and is no longer). */
    async removeInvitee(tenantId: string, meetingId: string, userId: string): Promise<boolean> {
      const changed = await db.run(
        'DELETE FROM meeting_invitees WHERE tenant_id = ? AND meeting_id = ? AND user_id = ?',
        [tenantId, meetingId, userId],
      );
      return changed === 1;
    },
    async update(tenantId: string, id: string, update: MeetingUpdate): Promise<boolean> {
      const changed = await db.run(
        'UPDATE meetings SET options = ?, state = ?, decision = ?, started_at = ?, ended_at = ? WHERE tenant_id = ? AND id = ?',
        [
          JSON.stringify(update.options),
          update.state,
          JSON.stringify(update.decision),
          update.startedAt,
          update.endedAt,
          tenantId,
          id,
        ],
      );
      return changed === 1;
    },
    /** How many meetings not yet ended use this template or label. */
    async countActiveUsing(
      tenantId: string,
      what: { template: string } | { label: string },
    ): Promise<number> {
      const [column, value] =
        'template' in what ? ['template_id', what.template] : ['label_id', what.label];
      const row = await db.get<{ n: number }>(
        `SELECT COUNT(*) AS n FROM meetings WHERE tenant_id = ? AND ${column} = ? AND state <> 'ended'`,
        [tenantId, value],
      );
      return Number(row?.n ?? 0);
    },
  };
}
