import type { LabelRecord, TemplateRecord } from '../records.ts';
import type { SqlDb } from '../sql.ts';

interface TemplateRow {
  id: string;
  name: string;
  options: string;
}

const toTemplate = (row: TemplateRow): TemplateRecord => ({
  id: row.id,
  name: row.name,
  options: JSON.parse(row.options) as TemplateRecord['options'],
});

export function templatesRepo(db: SqlDb) {
  return {
    async list(tenantId: string): Promise<TemplateRecord[]> {
      const rows = await db.all<TemplateRow>(
        'SELECT id, name, options FROM meeting_templates WHERE tenant_id = ? ORDER BY name, id',
        [tenantId],
      );
      return rows.map(toTemplate);
    },
    async get(tenantId: string, id: string): Promise<TemplateRecord | undefined> {
      const row = await db.get<TemplateRow>(
        'SELECT id, name, options FROM meeting_templates WHERE tenant_id = ? AND id = ?',
        [tenantId, id],
      );
      return row && toTemplate(row);
    },
    async create(tenantId: string, template: TemplateRecord, now: number): Promise<void> {
      await db.run(
        'INSERT INTO meeting_templates (tenant_id, id, name, options, created_at) VALUES (?, ?, ?, ?, ?)',
        [tenantId, template.id, template.name, JSON.stringify(template.options), now],
      );
    },
    async replace(tenantId: string, template: TemplateRecord): Promise<boolean> {
      const changed = await db.run(
        'UPDATE meeting_templates SET name = ?, options = ? WHERE tenant_id = ? AND id = ?',
        [template.name, JSON.stringify(template.options), tenantId, template.id],
      );
      return changed === 1;
    },
    async delete(tenantId: string, id: string): Promise<boolean> {
      const changed = await db.run('DELETE FROM meeting_templates WHERE tenant_id = ? AND id = ?', [
        tenantId,
        id,
      ]);
      return changed === 1;
    },
  };
}

interface LabelRow {
  id: string;
  name: string;
  meeting_e2ee: 'apply' | 'dontApply' | null;
  meeting_post_quantum: 'require' | 'dontRequire' | null;
}

const toLabel = (row: LabelRow): LabelRecord => ({
  id: row.id,
  name: row.name,
  meeting: {
    ...(row.meeting_e2ee === null ? {} : { endToEndEncryption: row.meeting_e2ee }),
    ...(row.meeting_post_quantum === null
      ? {}
      : { postQuantumEncryption: row.meeting_post_quantum }),
  },
});

export function labelsRepo(db: SqlDb) {
  return {
    async list(tenantId: string): Promise<LabelRecord[]> {
      const rows = await db.all<LabelRow>(
        'SELECT id, name, meeting_e2ee, meeting_post_quantum FROM sensitivity_labels WHERE tenant_id = ? ORDER BY name, id',
        [tenantId],
      );
      return rows.map(toLabel);
    },
    async get(tenantId: string, id: string): Promise<LabelRecord | undefined> {
      const row = await db.get<LabelRow>(
        'SELECT id, name, meeting_e2ee, meeting_post_quantum FROM sensitivity_labels WHERE tenant_id = ? AND id = ?',
        [tenantId, id],
      );
      return row && toLabel(row);
    },
    async create(tenantId: string, label: LabelRecord, now: number): Promise<void> {
      await db.run(
        'INSERT INTO sensitivity_labels (tenant_id, id, name, meeting_e2ee, meeting_post_quantum, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        [
          tenantId,
          label.id,
          label.name,
          label.meeting.endToEndEncryption ?? null,
          label.meeting.postQuantumEncryption ?? null,
          now,
        ],
      );
    },
    async replace(tenantId: string, label: LabelRecord): Promise<boolean> {
      const changed = await db.run(
        'UPDATE sensitivity_labels SET name = ?, meeting_e2ee = ?, meeting_post_quantum = ? WHERE tenant_id = ? AND id = ?',
        [
          label.name,
          label.meeting.endToEndEncryption ?? null,
          label.meeting.postQuantumEncryption ?? null,
          tenantId,
          label.id,
        ],
      );
      return changed === 1;
    },
    async delete(tenantId: string, id: string): Promise<boolean> {
      const changed = await db.run(
        'DELETE FROM sensitivity_labels WHERE tenant_id = ? AND id = ?',
        [tenantId, id],
      );
      return changed === 1;
    },
  };
}
