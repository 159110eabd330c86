import type { GroupRecord } from '../records.ts';
import type { SqlDb } from '../sql.ts';

interface Row {
  id: string;
  name: string;
  created_at: number;
}

export function groupsRepo(db: SqlDb) {
  async function membersOf(tenantId: string, groupId: string): Promise<string[]> {
    const rows = await db.all<{ user_id: string }>(
      'SELECT user_id FROM group_members WHERE tenant_id = ? AND group_id = ? ORDER BY user_id',
      [tenantId, groupId],
    );
    return rows.map((row) => row.user_id);
  }

  async function addMember(tenantId: string, groupId: string, userId: string): Promise<boolean> {
    const present = await db.get(
      'SELECT 1 AS present FROM group_members WHERE tenant_id = ? AND group_id = ? AND user_id = ?',
      [tenantId, groupId, userId],
    );
    if (present) return false;
    await db.run('INSERT INTO group_members (tenant_id, group_id, user_id) VALUES (?, ?, ?)', [
      tenantId,
      groupId,
      userId,
    ]);
    return true;
  }

  return {
    membersOf,
    addMember,
    async create(tenantId: string, group: GroupRecord): Promise<void> {
      await db.run(
        'INSERT INTO user_groups (tenant_id, id, name, created_at) VALUES (?, ?, ?, ?)',
        [tenantId, group.id, group.name, group.createdAt],
      );
      for (const userId of group.members) await addMember(tenantId, group.id, userId);
    },
    async get(tenantId: string, id: string): Promise<GroupRecord | undefined> {
      const row = await db.get<Row>(
        'SELECT id, name, created_at FROM user_groups WHERE tenant_id = ? AND id = ?',
        [tenantId, id],
      );
      if (!row) return undefined;
      return {
        id: row.id,
        name: row.name,
        members: await membersOf(tenantId, id),
        createdAt: row.created_at,
      };
    },
    async list(tenantId: string): Promise<GroupRecord[]> {
      const rows = await db.all<Row>(
        'SELECT id, name, created_at FROM user_groups WHERE tenant_id = ? ORDER BY name, id',
        [tenantId],
      );
      const memberships = await db.all<{ user_id: string; group_id: string }>(
        'SELECT group_id, user_id FROM group_members WHERE tenant_id = ? ORDER BY user_id',
        [tenantId],
      );
      const members = new Map<string, string[]>();
      for (const m of memberships) {
        members.set(m.group_id, [...(members.get(m.group_id) ?? []), m.user_id]);
      }
      return rows.map((row) => ({
        id: row.id,
        name: row.name,
        members: members.get(row.id) ?? [],
        createdAt: row.created_at,
      }));
    },
    async rename(tenantId: string, id: string, name: string): Promise<boolean> {
      const changed = await db.run(
        'UPDATE user_groups SET name = ? WHERE tenant_id = ? AND id = ?',
        [name, tenantId, id],
      );
      return changed === 1;
    },
    async setMembers(tenantId: string, id: string, members: readonly string[]): Promise<void> {
      await db.run('DELETE FROM group_members WHERE tenant_id = ? AND group_id = ?', [
        tenantId,
        id,
      ]);
      for (const userId of new Set(members)) await addMember(tenantId, id, userId);
    },
    async removeMember(tenantId: string, groupId: string, userId: string): Promise<boolean> {
      const changed = await db.run(
        'DELETE FROM group_members WHERE tenant_id = ? AND group_id = ? AND user_id = ?',
        [tenantId, groupId, userId],
      );
      return changed === 1;
    },
    async delete(tenantId: string, id: string): Promise<boolean> {
      const changed = await db.run('DELETE FROM user_groups WHERE tenant_id = ? AND id = ?', [
        tenantId,
        id,
      ]);
      return changed === 1;
    },
  };
}
