import type { NewUser, Role, UserChanges, UserRecord } from '../records.ts';
import type { SqlDb, SqlParam } from '../sql.ts';

interface Row {
  tenant_id: string;
  id: string;
  email: string;
  display_name: string;
  role: Role;
  premium: number;
  e2ee_calls: number;
  must_change_password: number;
  disabled_at: number | string | null;
  created_at: number;
}

const columns =
  'tenant_id, id, email, display_name, role, premium, e2ee_calls, must_change_password, disabled_at, created_at';

const toRecord = (row: Row, groups: string[]): UserRecord => ({
  tenantId: row.tenant_id,
  id: row.id,
  email: row.email,
  displayName: row.display_name,
  role: row.role,
  premium: row.premium === 1,
  e2eeCalls: row.e2ee_calls === 1,
  mustChangePassword: row.must_change_password === 1,
  disabledAt: row.disabled_at === null ? undefined : Number(row.disabled_at),
  groups,
  createdAt: row.created_at,
});

export interface SignInAccount {
  tenantId: string;
  tenantName: string;
  id: string;
  passwordHash: string;
}

/**
 * Emails are unique within a tenant (another tenant may have the same one) and compared
 * lowercased. Only sign-in looks an email up across tenants (signInAccounts).
 */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

export function usersRepo(db: SqlDb) {
  async function groupsOf(tenantId: string, userId: string): Promise<string[]> {
    const rows = await db.all<{ group_id: string }>(
      'SELECT group_id FROM group_members WHERE tenant_id = ? AND user_id = ? ORDER BY group_id',
      [tenantId, userId],
    );
    return rows.map((row) => row.group_id);
  }

  async function get(tenantId: string, id: string): Promise<UserRecord | undefined> {
    const row = await db.get<Row>(`SELECT ${columns} FROM users WHERE tenant_id = ? AND id = ?`, [
      tenantId,
      id,
    ]);
    return row && toRecord(row, await groupsOf(tenantId, id));
  }

  return {
    get,
    async create(tenantId: string, user: NewUser): Promise<void> {
      await db.run(
        `INSERT INTO users (${columns}, password_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          tenantId,
          user.id,
          normalizeEmail(user.email),
          user.displayName,
          user.role,
          user.premium,
          user.e2eeCalls,
          user.mustChangePassword ?? false,
          null,
          user.createdAt,
          user.passwordHash,
        ],
      );
    },
    async list(tenantId: string): Promise<UserRecord[]> {
      const rows = await db.all<Row>(
        `SELECT ${columns} FROM users WHERE tenant_id = ? ORDER BY created_at, id`,
        [tenantId],
      );
      const memberships = await db.all<{ user_id: string; group_id: string }>(
        'SELECT user_id, group_id FROM group_members WHERE tenant_id = ? ORDER BY group_id',
        [tenantId],
      );
      const groups = new Map<string, string[]>();
      for (const m of memberships)
        groups.set(m.user_id, [...(groups.get(m.user_id) ?? []), m.group_id]);
      return rows.map((row) => toRecord(row, groups.get(row.id) ?? []));
    },
    /** The user of this tenant with this email (compared lowercased), if any. */
    async idByEmail(tenantId: string, email: string): Promise<string | undefined> {
      const row = await db.get<{ id: string }>(
        'SELECT id FROM users WHERE tenant_id = ? AND email = ?',
        [tenantId, normalizeEmail(email)],
      );
      return row?.id;
    },
    /**
     * Every account with this email, in every tenant, with its tenant's name: sign-in starts from
     * an email alone. Its answer never leaves the server (identity/sign-in.ts).
     */
    async signInAccounts(email: string): Promise<SignInAccount[]> {
      const rows = await db.all<{
        tenant_id: string;
        tenant_name: string;
        id: string;
        password_hash: string;
      }>(
        `SELECT u.tenant_id, t.name AS tenant_name, u.id, u.password_hash
         FROM users u JOIN tenants t ON t.tenant_id = u.tenant_id
         WHERE u.email = ? ORDER BY t.created_at, u.tenant_id`,
        [normalizeEmail(email)],
      );
      return rows.map((row) => ({
        tenantId: row.tenant_id,
        tenantName: row.tenant_name,
        id: row.id,
        passwordHash: row.password_hash,
      }));
    },
    async update(tenantId: string, id: string, changes: UserChanges): Promise<boolean> {
      const sets: string[] = [];
      const params: SqlParam[] = [];
      const set = (column: string, value: SqlParam | undefined) => {
        if (value === undefined) return;
        sets.push(`${column} = ?`);
        params.push(value);
      };
      set('email', changes.email === undefined ? undefined : normalizeEmail(changes.email));
      set('display_name', changes.displayName);
      set('role', changes.role);
      set('premium', changes.premium);
      set('e2ee_calls', changes.e2eeCalls);
      set('password_hash', changes.passwordHash);
      set('must_change_password', changes.mustChangePassword);
      if (changes.disabledAt !== undefined) {
        sets.push('disabled_at = ?');
        params.push(changes.disabledAt);
      }
      if (sets.length === 0) return (await get(tenantId, id)) !== undefined;
      const changed = await db.run(
        `UPDATE users SET ${sets.join(', ')} WHERE tenant_id = ? AND id = ?`,
        [...params, tenantId, id],
      );
      return changed === 1;
    },
    /** The stored password hash of one user: to check the current password before a change. */
    async passwordHash(tenantId: string, id: string): Promise<string | undefined> {
      const row = await db.get<{ password_hash: string }>(
        'SELECT password_hash FROM users WHERE tenant_id = ? AND id = ?',
        [tenantId, id],
      );
      return row?.password_hash;
    },
    async delete(tenantId: string, id: string): Promise<boolean> {
      return (
        (await db.run('DELETE FROM users WHERE tenant_id = ? AND id = ?', [tenantId, id])) === 1
      );
    },
    async countAdmins(tenantId: string): Promise<number> {
      const row = await db.get<{ n: number }>(
        "SELECT COUNT(*) AS n FROM users WHERE tenant_id = ? AND role = 'admin'",
        [tenantId],
      );
      return Number(row?.n ?? 0);
    },
    /** Which of `ids` are users of the tenant. */
    async existing(tenantId: string, ids: readonly string[]): Promise<Set<string>> {
      if (ids.length === 0) return new Set();
      const rows = await db.all<{ id: string }>(
        `SELECT id FROM users WHERE tenant_id = ? AND id IN (${ids.map(() => '?').join(', ')})`,
        [tenantId, ...ids],
      );
      return new Set(rows.map((row) => row.id));
    },
  };
}
