import type { TenantE2eeSettings } from '@conclave/policy';
import type { TenantRecord } from '../records.ts';
import type { SqlDb } from '../sql.ts';

interface Row {
  tenant_id: string;
  name: string;
  e2ee: string;
  created_at: number;
}

const toRecord = (row: Row): TenantRecord => ({
  id: row.tenant_id,
  name: row.name,
  e2ee: JSON.parse(row.e2ee) as TenantE2eeSettings,
  createdAt: row.created_at,
});

export function tenantsRepo(db: SqlDb) {
  return {
    async create(tenant: TenantRecord): Promise<void> {
      await db.run('INSERT INTO tenants (tenant_id, name, e2ee, created_at) VALUES (?, ?, ?, ?)', [
        tenant.id,
        tenant.name,
        JSON.stringify(tenant.e2ee),
        tenant.createdAt,
      ]);
    },
    async get(tenantId: string): Promise<TenantRecord | undefined> {
      const row = await db.get<Row>('SELECT * FROM tenants WHERE tenant_id = ?', [tenantId]);
      return row && toRecord(row);
    },
    async findByName(name: string): Promise<TenantRecord | undefined> {
      const row = await db.get<Row>(
        'SELECT * FROM tenants WHERE name = ? ORDER BY created_at LIMIT 1',
        [name],
      );
      return row && toRecord(row);
    },
    /** The tenant created first: the one a single-organization install has. */
    async first(): Promise<TenantRecord | undefined> {
      const row = await db.get<Row>('SELECT * FROM tenants ORDER BY created_at, tenant_id LIMIT 1');
      return row && toRecord(row);
    },
    async count(): Promise<number> {
      const row = await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM tenants');
      return Number(row?.n ?? 0);
    },
    async update(tenantId: string, tenant: { name: string; e2ee: TenantE2eeSettings }) {
      await db.run('UPDATE tenants SET name = ?, e2ee = ? WHERE tenant_id = ?', [
        tenant.name,
        JSON.stringify(tenant.e2ee),
        tenantId,
      ]);
    },
  };
}
