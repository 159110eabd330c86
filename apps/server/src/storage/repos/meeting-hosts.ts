// Which node of a cluster hosts a live meeting (cluster/meeting-hosts.ts). Every change is one
// compare-and-set statement, so two nodes claiming the same meeting at once cannot both win: the
// database's row lock decides, not a protocol of our own.
import type { SqlDb } from '../sql.ts';

export interface MeetingHostLease {
  readonly nodeId: string;
  readonly leaseUntil: number;
}

export function meetingHostsRepo(db: SqlDb) {
  return {
    /**
     * Takes or renews the lease for `nodeId` unless another node holds one that has not run out.
     * Returns the holder after the statement: `nodeId` when it won, else the node that holds it.
     */
    async claim(
      tenantId: string,
      meetingId: string,
      nodeId: string,
      now: number,
      leaseUntil: number,
    ): Promise<MeetingHostLease> {
      const won = await db.get<{ node_id: string; lease_until: number }>(
        `INSERT INTO meeting_hosts (tenant_id, meeting_id, node_id, lease_until)
         VALUES (?, ?, ?, ?)
         ON CONFLICT (tenant_id, meeting_id) DO UPDATE SET
           node_id = excluded.node_id,
           lease_until = excluded.lease_until
         WHERE meeting_hosts.node_id = excluded.node_id OR meeting_hosts.lease_until < ?
         RETURNING node_id, lease_until`,
        [tenantId, meetingId, nodeId, leaseUntil, now],
      );
      if (won !== undefined) return { nodeId: won.node_id, leaseUntil: Number(won.lease_until) };
      const held = await db.get<{ node_id: string; lease_until: number }>(
        'SELECT node_id, lease_until FROM meeting_hosts WHERE tenant_id = ? AND meeting_id = ?',
        [tenantId, meetingId],
      );
      // Deleted between the two statements (the host let go): nobody holds it; the caller retries.
      return held === undefined
        ? { nodeId: '', leaseUntil: 0 }
        : { nodeId: held.node_id, leaseUntil: Number(held.lease_until) };
    },
    /**
     * Takes the lease from `deadNodeId` only if that node still holds it: a node that has stopped
     * answering is replaced once, by whichever node asks first.
     */
    async takeOver(
      tenantId: string,
      meetingId: string,
      deadNodeId: string,
      nodeId: string,
      leaseUntil: number,
    ): Promise<boolean> {
      const taken = await db.get<{ node_id: string }>(
        `UPDATE meeting_hosts SET node_id = ?, lease_until = ?
         WHERE tenant_id = ? AND meeting_id = ? AND node_id = ?
         RETURNING node_id`,
        [nodeId, leaseUntil, tenantId, meetingId, deadNodeId],
      );
      return taken !== undefined;
    },
    /** The lease on a meeting if one has not run out. */
    async current(
      tenantId: string,
      meetingId: string,
      now: number,
    ): Promise<MeetingHostLease | undefined> {
      const row = await db.get<{ node_id: string; lease_until: number }>(
        'SELECT node_id, lease_until FROM meeting_hosts WHERE tenant_id = ? AND meeting_id = ? AND lease_until >= ?',
        [tenantId, meetingId, now],
      );
      return row === undefined
        ? undefined
        : { nodeId: row.node_id, leaseUntil: Number(row.lease_until) };
    },
    /**
     * Whether `nodeId` holds the meeting's lease, read inside the caller's transaction. On
     * PostgreSQL the row is locked for share until that transaction ends, so a take-over (an
     * UPDATE of the row) waits for it: a write fenced by this check is either in before the new
     * host reads the group, or refused.
     */
    async holds(tenantId: string, meetingId: string, nodeId: string): Promise<boolean> {
      const row = await db.get<{ node_id: string }>(
        `SELECT node_id FROM meeting_hosts WHERE tenant_id = ? AND meeting_id = ?${
          db.dialect === 'postgres' ? ' FOR SHARE' : ''
        }`,
        [tenantId, meetingId],
      );
      return row?.node_id === nodeId;
    },
    /** Lets go of a meeting this node no longer hosts (its room closed). */
    async release(tenantId: string, meetingId: string, nodeId: string): Promise<void> {
      await db.run(
        'DELETE FROM meeting_hosts WHERE tenant_id = ? AND meeting_id = ? AND node_id = ?',
        [tenantId, meetingId, nodeId],
      );
    },
  };
}
