import type { DeviceRecord } from '../records.ts';
import type { SqlDb } from '../sql.ts';

interface Row {
  id: string;
  user_id: string;
  name: string;
  signature_public_key: string;
  created_at: number;
}

const toRecord = (row: Row): DeviceRecord => ({
  id: row.id,
  userId: row.user_id,
  name: row.name,
  signaturePublicKey: row.signature_public_key,
  createdAt: row.created_at,
});

const columns = 'id, user_id, name, signature_public_key, created_at';

/** The MLS identity directory: (tenant, user, device) → public signature key. */
export function devicesRepo(db: SqlDb) {
  return {
    async create(tenantId: string, device: DeviceRecord): Promise<void> {
      await db.run(`INSERT INTO devices (tenant_id, ${columns}) VALUES (?, ?, ?, ?, ?, ?)`, [
        tenantId,
        device.id,
        device.userId,
        device.name,
        device.signaturePublicKey,
        device.createdAt,
      ]);
    },
    async listForUser(tenantId: string, userId: string): Promise<DeviceRecord[]> {
      const rows = await db.all<Row>(
        `SELECT ${columns} FROM devices WHERE tenant_id = ? AND user_id = ? ORDER BY created_at, id`,
        [tenantId, userId],
      );
      return rows.map(toRecord);
    },
    async listForTenant(tenantId: string): Promise<DeviceRecord[]> {
      const rows = await db.all<Row>(
        `SELECT ${columns} FROM devices WHERE tenant_id = ? ORDER BY created_at, id`,
        [tenantId],
      );
      return rows.map(toRecord);
    },
  };
}
