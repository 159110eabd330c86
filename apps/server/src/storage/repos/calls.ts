import type { CallDecision } from '@conclave/policy';
import type { CallRecord } from '../records.ts';
import type { SqlDb } from '../sql.ts';

interface Row {
  id: string;
  caller_id: string;
  callee_id: string;
  decision: string;
  created_at: number;
}

const toRecord = (row: Row): CallRecord => ({
  id: row.id,
  caller: row.caller_id,
  callee: row.callee_id,
  decision: JSON.parse(row.decision) as CallDecision,
  createdAt: row.created_at,
});

export function callsRepo(db: SqlDb) {
  return {
    async create(tenantId: string, call: CallRecord): Promise<void> {
      await db.run(
        'INSERT INTO calls (tenant_id, id, caller_id, callee_id, decision, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        [
          tenantId,
          call.id,
          call.caller,
          call.callee,
          JSON.stringify(call.decision),
          call.createdAt,
        ],
      );
    },
    async get(tenantId: string, id: string): Promise<CallRecord | undefined> {
      const row = await db.get<Row>(
        'SELECT id, caller_id, callee_id, decision, created_at FROM calls WHERE tenant_id = ? AND id = ?',
        [tenantId, id],
      );
      return row && toRecord(row);
    },
    /** Calls the user placed or received at or after `since` (ms), newest first, at most `limit`. */
    async listForUser(
      tenantId: string,
      userId: string,
      bounds: { since: number; limit: number },
    ): Promise<CallRecord[]> {
      const rows = await db.all<Row>(
        `SELECT id, caller_id, callee_id, decision, created_at FROM calls
         WHERE tenant_id = ? AND (caller_id = ? OR callee_id = ?) AND created_at >= ?
         ORDER BY created_at DESC, id LIMIT ?`,
        [tenantId, userId, userId, bounds.since, bounds.limit],
      );
      return rows.map(toRecord);
    },
  };
}
