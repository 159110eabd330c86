import type { AuditQuery, AuditRecord, NewAuditEntry } from '../records.ts';
import type { SqlDb, SqlParam } from '../sql.ts';

interface Row {
  id: number;
  at: number;
  actor_id: string | null;
  actor_name: string | null;
  kind: string;
  subject: string;
  details: string;
}

/** The audit log. Append and read only: there is no update or delete here, and the database
 * rejects both with triggers (migrations.ts). */
export function auditRepo(db: SqlDb) {
  return {
    async append(tenantId: string, entry: NewAuditEntry): Promise<void> {
      await db.run(
        'INSERT INTO audit_log (tenant_id, at, actor_id, actor_name, kind, subject, details) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [
          tenantId,
          entry.at,
          entry.actor?.id ?? null,
          entry.actor?.displayName ?? null,
          entry.kind,
          entry.subject,
          JSON.stringify(entry.details),
        ],
      );
    },
    /** Newest first. */
    async list(tenantId: string, query: AuditQuery): Promise<AuditRecord[]> {
      const where = ['tenant_id = ?'];
      const params: SqlParam[] = [tenantId];
      if (query.before !== undefined) {
        where.push('id < ?');
        params.push(Number(query.before));
      }
      if (query.kind !== undefined) {
        where.push('(kind = ? OR kind LIKE ?)');
        params.push(query.kind, `${query.kind}.%`);
      }
      if (query.from !== undefined) {
        where.push('at >= ?');
        params.push(query.from);
      }
      if (query.to !== undefined) {
        where.push('at < ?');
        params.push(query.to);
      }
      const rows = await db.all<Row>(
        `SELECT id, at, actor_id, actor_name, kind, subject, details FROM audit_log
         WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`,
        [...params, query.limit],
      );
      return rows.map((row) => ({
        id: String(row.id),
        at: row.at,
        actor:
          row.actor_id === null ? null : { id: row.actor_id, displayName: row.actor_name ?? '' },
        kind: row.kind,
        subject: row.subject,
        details: JSON.parse(row.details) as Record<string, unknown>,
      }));
    },
  };
}
