import type { SessionRecord } from '../records.ts';
import type { SqlDb } from '../sql.ts';

/** Sessions are stored by the SHA-256 of their token only; the token itself is never written. */
export function sessionsRepo(db: SqlDb) {
  return {
    async create(tokenHash: string, session: SessionRecord & { createdAt: number }): Promise<void> {
      await db.run(
        'INSERT INTO sessions (token_hash, tenant_id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
        [tokenHash, session.tenantId, session.userId, session.createdAt, session.expiresAt],
      );
    },
    /** The live session with this token hash; the lookup that establishes a request's tenant. */
    async find(tokenHash: string, now: number): Promise<SessionRecord | undefined> {
      const row = await db.get<{ tenant_id: string; user_id: string; expires_at: number }>(
        'SELECT tenant_id, user_id, expires_at FROM sessions WHERE token_hash = ? AND expires_at > ?',
        [tokenHash, now],
      );
      return row && { tenantId: row.tenant_id, userId: row.user_id, expiresAt: row.expires_at };
    },
    async delete(tokenHash: string): Promise<void> {
      await db.run('DELETE FROM sessions WHERE token_hash = ?', [tokenHash]);
    },
    async deleteForUser(tenantId: string, userId: string): Promise<void> {
      await db.run('DELETE FROM sessions WHERE tenant_id = ? AND user_id = ?', [tenantId, userId]);
    },
    /**
     * Ends every session of the user but `keep` (the one changing its password); returns the
     * hashes of those ended, so their sockets can be closed.
     */
    async deleteOthersForUser(tenantId: string, userId: string, keep: string): Promise<string[]> {
      const rows = await db.all<{ token_hash: string }>(
        'SELECT token_hash FROM sessions WHERE tenant_id = ? AND user_id = ? AND token_hash <> ?',
        [tenantId, userId, keep],
      );
      await db.run('DELETE FROM sessions WHERE tenant_id = ? AND user_id = ? AND token_hash <> ?', [
        tenantId,
        userId,
        keep,
      ]);
      return rows.map((row) => row.token_hash);
    },
    async deleteExpired(now: number): Promise<number> {
      return db.run('DELETE FROM sessions WHERE expires_at <= ?', [now]);
    },
  };
}
