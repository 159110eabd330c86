import type { SqlDb } from '../sql.ts';

/** How many devices a user keeps: signing in from a new one forgets the least recently used. */
export const knownDevicesPerUser = 20;

/**
 * Devices (a browser's cookie, a CLI's stored token) that signed in to an account before. Stored
 * by the SHA-256 of their token only; the token itself is never written.
 */
export function knownDevicesRepo(db: SqlDb) {
  return {
    async create(
      tokenHash: string,
      device: { tenantId: string; userId: string; now: number },
    ): Promise<void> {
      await db.run(
        'INSERT INTO known_devices (token_hash, tenant_id, user_id, created_at, last_used_at) VALUES (?, ?, ?, ?, ?)',
        [tokenHash, device.tenantId, device.userId, device.now, device.now],
      );
      await db.run(
        `DELETE FROM known_devices WHERE tenant_id = ? AND user_id = ? AND token_hash NOT IN (
           SELECT token_hash FROM known_devices WHERE tenant_id = ? AND user_id = ?
           ORDER BY last_used_at DESC, token_hash LIMIT ?)`,
        [device.tenantId, device.userId, device.tenantId, device.userId, knownDevicesPerUser],
      );
    },
    /** The account a device signed in to, if it was used since `usedSince`. */
    async find(
      tokenHash: string,
      usedSince: number,
    ): Promise<{ tenantId: string; userId: string } | undefined> {
      const row = await db.get<{ tenant_id: string; user_id: string }>(
        'SELECT tenant_id, user_id FROM known_devices WHERE token_hash = ? AND last_used_at >= ?',
        [tokenHash, usedSince],
      );
      return row && { tenantId: row.tenant_id, userId: row.user_id };
    },
    async touch(tokenHash: string, now: number): Promise<void> {
      await db.run('UPDATE known_devices SET last_used_at = ? WHERE token_hash = ?', [
        now,
        tokenHash,
      ]);
    },
    async listForUser(tenantId: string, userId: string): Promise<string[]> {
      const rows = await db.all<{ token_hash: string }>(
        'SELECT token_hash FROM known_devices WHERE tenant_id = ? AND user_id = ?',
        [tenantId, userId],
      );
      return rows.map((row) => row.token_hash);
    },
    async deleteForUser(tenantId: string, userId: string): Promise<void> {
      await db.run('DELETE FROM known_devices WHERE tenant_id = ? AND user_id = ?', [
        tenantId,
        userId,
      ]);
    },
    async deleteUnusedSince(usedSince: number): Promise<number> {
      return db.run('DELETE FROM known_devices WHERE last_used_at < ?', [usedSince]);
    },
  };
}
