import type { CallDecision } from '@conclave/policy';
import type { CallState } from '@conclave/protocol';
import type { CallRecord } from '../records.ts';
import type { SqlDb } from '../sql.ts';

interface Row {
  id: string;
  caller_id: string;
  callee_id: string;
  decision: string;
  created_at: number;
  state: CallState;
  ring_deadline: number;
  answered_at: number | null;
  ended_at: number | null;
  admission_statement: string | null;
  admission_signature: string | null;
}

const columns =
  'id, caller_id, callee_id, decision, created_at, state, ring_deadline, answered_at, ended_at, admission_statement, admission_signature';

const orNull = (value: number | null): number | null => (value === null ? null : Number(value));

const toRecord = (row: Row): CallRecord => ({
  id: row.id,
  caller: row.caller_id,
  callee: row.callee_id,
  decision: JSON.parse(row.decision) as CallDecision,
  createdAt: Number(row.created_at),
  state: row.state,
  ringDeadline: Number(row.ring_deadline),
  answeredAt: orNull(row.answered_at),
  endedAt: orNull(row.ended_at),
  admission:
    row.admission_statement === null || row.admission_signature === null
      ? null
      : { statement: row.admission_statement, signature: row.admission_signature },
});

export function callsRepo(db: SqlDb) {
  return {
    async create(tenantId: string, call: CallRecord): Promise<void> {
      await db.run(
        `INSERT INTO calls (tenant_id, ${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          tenantId,
          call.id,
          call.caller,
          call.callee,
          JSON.stringify(call.decision),
          call.createdAt,
          call.state,
          call.ringDeadline,
          call.answeredAt,
          call.endedAt,
          call.admission?.statement ?? null,
          call.admission?.signature ?? null,
        ],
      );
    },
    /**
     * Keeps the caller's signed admission of the callee, only if the call has none yet (one per
     * call: a second, racing or replayed, changes nothing). Returns whether this one was kept.
     */
    async setAdmission(
      tenantId: string,
      id: string,
      admission: { readonly statement: string; readonly signature: string },
    ): Promise<boolean> {
      const changed = await db.run(
        `UPDATE calls SET admission_statement = ?, admission_signature = ?
         WHERE tenant_id = ? AND id = ? AND admission_statement IS NULL`,
        [admission.statement, admission.signature, tenantId, id],
      );
      return changed === 1;
    },
    async get(tenantId: string, id: string): Promise<CallRecord | undefined> {
      const row = await db.get<Row>(`SELECT ${columns} FROM calls WHERE tenant_id = ? AND id = ?`, [
        tenantId,
        id,
      ]);
      return row && toRecord(row);
    },
    /**
     * Moves the call to a new state only if it is still in `from` (compare-and-set), so two
     * answers racing — accept against cancel, or against the missed-call timer — leave one winner.
     * Returns whether this one won.
     */
    async move(
      tenantId: string,
      id: string,
      from: CallState,
      to: Pick<CallRecord, 'state' | 'answeredAt' | 'endedAt'>,
    ): Promise<boolean> {
      const changed = await db.run(
        'UPDATE calls SET state = ?, answered_at = ?, ended_at = ? WHERE tenant_id = ? AND id = ? AND state = ?',
        [to.state, to.answeredAt, to.endedAt, tenantId, id, from],
      );
      return changed === 1;
    },
    /** The calls the user placed or received, newest first, at most `limit`. */
    async listForUser(
      tenantId: string,
      userId: string,
      bounds: { limit: number },
    ): Promise<CallRecord[]> {
      const rows = await db.all<Row>(
        `SELECT ${columns} FROM calls
         WHERE tenant_id = ? AND (caller_id = ? OR callee_id = ?)
         ORDER BY created_at DESC, id LIMIT ?`,
        [tenantId, userId, userId, bounds.limit],
      );
      return rows.map(toRecord);
    },
  };
}
