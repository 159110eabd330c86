import type { E2eeSetting } from '@conclave/policy';
import type { CompliancePolicyRecord, EncryptionPolicyRecord } from '../records.ts';
import type { SqlDb } from '../sql.ts';

interface EncryptionRow {
  name: string;
  description: string;
  meeting_e2ee: E2eeSetting;
  calling_e2ee: E2eeSetting;
}

const toEncryption = (row: EncryptionRow): EncryptionPolicyRecord => ({
  name: row.name,
  description: row.description,
  meetingEndToEndEncryption: row.meeting_e2ee,
  callingEndToEndEncryption: row.calling_e2ee,
});

export function encryptionPoliciesRepo(db: SqlDb) {
  const columns = 'name, description, meeting_e2ee, calling_e2ee';
  return {
    async list(tenantId: string): Promise<EncryptionPolicyRecord[]> {
      const rows = await db.all<EncryptionRow>(
        `SELECT ${columns} FROM encryption_policies WHERE tenant_id = ? ORDER BY created_at, name`,
        [tenantId],
      );
      return rows.map(toEncryption);
    },
    async get(tenantId: string, name: string): Promise<EncryptionPolicyRecord | undefined> {
      const row = await db.get<EncryptionRow>(
        `SELECT ${columns} FROM encryption_policies WHERE tenant_id = ? AND name = ?`,
        [tenantId, name],
      );
      return row && toEncryption(row);
    },
    async create(tenantId: string, policy: EncryptionPolicyRecord, now: number): Promise<void> {
      await db.run(
        `INSERT INTO encryption_policies (tenant_id, ${columns}, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
        [
          tenantId,
          policy.name,
          policy.description,
          policy.meetingEndToEndEncryption,
          policy.callingEndToEndEncryption,
          now,
        ],
      );
    },
    async replace(tenantId: string, policy: EncryptionPolicyRecord): Promise<boolean> {
      const changed = await db.run(
        'UPDATE encryption_policies SET description = ?, meeting_e2ee = ?, calling_e2ee = ? WHERE tenant_id = ? AND name = ?',
        [
          policy.description,
          policy.meetingEndToEndEncryption,
          policy.callingEndToEndEncryption,
          tenantId,
          policy.name,
        ],
      );
      return changed === 1;
    },
    /** Fails with a foreign-key violation while the policy is assigned. */
    async delete(tenantId: string, name: string): Promise<boolean> {
      const changed = await db.run(
        'DELETE FROM encryption_policies WHERE tenant_id = ? AND name = ?',
        [tenantId, name],
      );
      return changed === 1;
    },
  };
}

export function compliancePoliciesRepo(db: SqlDb) {
  const toRecord = (row: { name: string; enabled: number }): CompliancePolicyRecord => ({
    name: row.name,
    enabled: row.enabled === 1,
  });
  return {
    async list(tenantId: string): Promise<CompliancePolicyRecord[]> {
      const rows = await db.all<{ name: string; enabled: number }>(
        'SELECT name, enabled FROM compliance_recording_policies WHERE tenant_id = ? ORDER BY created_at, name',
        [tenantId],
      );
      return rows.map(toRecord);
    },
    async get(tenantId: string, name: string): Promise<CompliancePolicyRecord | undefined> {
      const row = await db.get<{ name: string; enabled: number }>(
        'SELECT name, enabled FROM compliance_recording_policies WHERE tenant_id = ? AND name = ?',
        [tenantId, name],
      );
      return row && toRecord(row);
    },
    async create(tenantId: string, policy: CompliancePolicyRecord, now: number): Promise<void> {
      await db.run(
        'INSERT INTO compliance_recording_policies (tenant_id, name, enabled, created_at) VALUES (?, ?, ?, ?)',
        [tenantId, policy.name, policy.enabled, now],
      );
    },
    async replace(tenantId: string, policy: CompliancePolicyRecord): Promise<boolean> {
      const changed = await db.run(
        'UPDATE compliance_recording_policies SET enabled = ? WHERE tenant_id = ? AND name = ?',
        [policy.enabled, tenantId, policy.name],
      );
      return changed === 1;
    },
    /** Fails with a foreign-key violation while the policy is assigned. */
    async delete(tenantId: string, name: string): Promise<boolean> {
      const changed = await db.run(
        'DELETE FROM compliance_recording_policies WHERE tenant_id = ? AND name = ?',
        [tenantId, name],
      );
      return changed === 1;
    },
  };
}
