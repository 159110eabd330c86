import type { AssignmentRecord, AssignmentTarget } from '../records.ts';
import type { SqlDb, SqlParam } from '../sql.ts';

interface Row {
  id: string;
  policy_name: string;
  scope: 'user' | 'group' | 'global';
  user_id: string | null;
  group_id: string | null;
  group_rank: number | null;
  created_at: number;
}

function toRecord(row: Row): AssignmentRecord {
  const base = { id: row.id, policy: row.policy_name, createdAt: row.created_at };
  if (row.scope === 'user') return { ...base, user: row.user_id ?? '' };
  if (row.scope === 'group')
    return { ...base, group: row.group_id ?? '', rank: row.group_rank ?? 0 };
  return { ...base, global: true };
}

/** Where an existing assignment for the same target lives (the one a new one replaces). */
function sameTarget(target: AssignmentTarget): { where: string; params: SqlParam[] } {
  if ('user' in target) return { where: "scope = 'user' AND user_id = ?", params: [target.user] };
  if ('group' in target)
    return { where: "scope = 'group' AND group_id = ?", params: [target.group] };
  return { where: "scope = 'global'", params: [] };
}

export type AssignmentTable = 'encryption_policy_assignments' | 'compliance_recording_assignments';

/**
 * Policy assignments (spec §2): one direct assignment per user, one per group with a rank unique
 * in the tenant, one org-wide default. A new assignment for the same target replaces the old one.
 */
export function assignmentsRepo(db: SqlDb, table: AssignmentTable) {
  const columns = 'id, policy_name, scope, user_id, group_id, group_rank, created_at';
  return {
    async list(tenantId: string): Promise<AssignmentRecord[]> {
      const rows = await db.all<Row>(
        `SELECT ${columns} FROM ${table} WHERE tenant_id = ? ORDER BY created_at, id`,
        [tenantId],
      );
      return rows.map(toRecord);
    },
    async get(tenantId: string, id: string): Promise<AssignmentRecord | undefined> {
      const row = await db.get<Row>(
        `SELECT ${columns} FROM ${table} WHERE tenant_id = ? AND id = ?`,
        [tenantId, id],
      );
      return row && toRecord(row);
    },
    /** The assignment of another group that already holds `rank`, if any. */
    async holderOfRank(
      tenantId: string,
      rank: number,
      group: string,
    ): Promise<AssignmentRecord | undefined> {
      const row = await db.get<Row>(
        `SELECT ${columns} FROM ${table} WHERE tenant_id = ? AND scope = 'group' AND group_rank = ? AND group_id <> ?`,
        [tenantId, rank, group],
      );
      return row && toRecord(row);
    },
    async countForPolicy(tenantId: string, policy: string): Promise<number> {
      const row = await db.get<{ n: number }>(
        `SELECT COUNT(*) AS n FROM ${table} WHERE tenant_id = ? AND policy_name = ?`,
        [tenantId, policy],
      );
      return Number(row?.n ?? 0);
    },
    /** Inserts `assignment`, first removing the one for the same target; returns the removed one. */
    async replace(
      tenantId: string,
      assignment: AssignmentRecord,
    ): Promise<AssignmentRecord | undefined> {
      const target = sameTarget(assignment);
      const previous = await db.get<Row>(
        `SELECT ${columns} FROM ${table} WHERE tenant_id = ? AND ${target.where}`,
        [tenantId, ...target.params],
      );
      if (previous) {
        await db.run(`DELETE FROM ${table} WHERE tenant_id = ? AND id = ?`, [
          tenantId,
          previous.id,
        ]);
      }
      const scope = 'user' in assignment ? 'user' : 'group' in assignment ? 'group' : 'global';
      await db.run(`INSERT INTO ${table} (tenant_id, ${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, [
        tenantId,
        assignment.id,
        assignment.policy,
        scope,
        'user' in assignment ? assignment.user : null,
        'group' in assignment ? assignment.group : null,
        'group' in assignment ? assignment.rank : null,
        assignment.createdAt,
      ]);
      return previous && toRecord(previous);
    },
    async delete(tenantId: string, id: string): Promise<boolean> {
      return (
        (await db.run(`DELETE FROM ${table} WHERE tenant_id = ? AND id = ?`, [tenantId, id])) === 1
      );
    },
  };
}
