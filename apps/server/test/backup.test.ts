// Backup and restore of the embedded (SQLite) store: a copy taken while the server runs and writes
// is one consistent moment; restored into a fresh folder it brings back every row of every table
// (the audit log entry for entry), and the restored server's members see the same external-sender
// key — the sealed key and the secret key that opens it came back together. Damaged, foreign,
// newer and misplaced backups are refused with a sentence, before anything is written.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupDataStore, restoreDataStore, startServer } from '../src/index.ts';
import type { BackupSummary, RunningServer } from '../src/index.ts';
import { migrate } from '../src/storage/migrations.ts';
import { openSqlite } from '../src/storage/sqlite.ts';
import { fastPasswords } from './support/databases.ts';
import { client, ok } from './support/http.ts';
import { signInAs, testRealtime } from './realtime/support/deployment.ts';
import { externalSenderKeySeenBy } from './realtime/support/external-sender.ts';
import type { SignedIn } from './realtime/support/deployment.ts';
import { z } from 'zod';

const root = mkdtempSync(join(tmpdir(), 'conclave-backup-'));
const original = join(root, 'original');
const passwords: Record<string, string> = {};

function serverOn(dataDir: string): Promise<RunningServer> {
  return startServer({
    port: 0,
    dataDir,
    demo: true,
    passwordCost: fastPasswords,
    log: () => undefined,
    webRoot: false,
    realtime: testRealtime,
  });
}

/** dave joins a new E2EE meeting; the answer names the server's external-sender key. */
async function externalSenderKey(running: RunningServer): Promise<string> {
  const dave: SignedIn = await signInAs(
    running.url,
    'dave',
    passwords['dave@demo.conclave.local'] ?? '',
  );
  return externalSenderKeySeenBy(running.url, dave);
}

function rowsOf(file: string, table: string, limit: number): unknown[] {
  const db = openSqlite(file);
  return db.all(`SELECT * FROM ${table} ORDER BY 1 LIMIT ${limit}`) as unknown as unknown[];
}

describe('backup and restore (SQLite)', () => {
  let server: RunningServer;
  let keyBefore: string;
  let backup: BackupSummary;
  const folder = join(root, 'backup');

  beforeAll(async () => {
    server = await serverOn(original);
    for (const signIn of server.demoSignIns ?? []) passwords[signIn.email] = signIn.password;
    keyBefore = await externalSenderKey(server);
  }, 60_000);
  afterAll(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('copies the database while the server writes, with its key and a manifest', async () => {
    // Someone keeps working while the backup runs: every sign-in writes a session and audit row.
    let writing = true;
    const writes = (async () => {
      let count = 0;
      while (writing) {
        await signInAs(server.url, 'dave', passwords['dave@demo.conclave.local'] ?? '');
        count += 1;
      }
      return count;
    })();
    try {
      backup = await backupDataStore({ dataDir: original, to: folder });
    } finally {
      writing = false;
    }
    expect(await writes).toBeGreaterThan(0);
    const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as unknown;
    expect(manifest).toEqual(backup.manifest);
    expect(backup.manifest.secretKey).toMatchObject({ included: true });
    expect(Object.keys(backup.manifest.files).sort()).toEqual(['conclave.sqlite', 'secret.key']);
    expect(backup.manifest.rows.users).toBeGreaterThan(3);
    expect(backup.manifest.rows.audit_log).toBeGreaterThan(0);
    expect(backup.manifest.rows.realtime_external_senders).toBe(1);
  }, 60_000);

  it('restores into a fresh folder: every row, the audit log entry for entry, the same keys', async () => {
    const restored = join(root, 'restored');
    const summary = await restoreDataStore({ from: folder, dataDir: restored });
    expect(summary.migrated).toEqual([]);
    const copied = join(restored, 'conclave.sqlite');
    // The audit log is append-only: the restored log is exactly the first entries of the original.
    const auditCount = backup.manifest.rows.audit_log ?? 0;
    expect(rowsOf(copied, 'audit_log', auditCount)).toEqual(
      rowsOf(join(original, 'conclave.sqlite'), 'audit_log', auditCount),
    );
    const running = await serverOn(restored);
    try {
      expect(running.firstAdmin).toBeUndefined();
      // The restored accounts sign in with the passwords they had.
      const admin = await signInAs(running.url, 'admin', passwords['admin@conclave.local'] ?? '');
      const users = ok(
        await client(running.url, admin.token)('GET', '/api/admin/users'),
        z.object({ users: z.array(z.object({ id: z.string() })) }),
      );
      expect(users.users.length).toBe(backup.manifest.rows.users);
      expect(await externalSenderKey(running)).toBe(keyBefore);
    } finally {
      await running.close();
    }
  }, 60_000);

  it('refuses a damaged backup, a used data folder, a newer backup and a used backup folder', async () => {
    const failure = (work: Promise<unknown>) =>
      work.then(
        () => 'succeeded',
        (error: unknown) => (error as Error).message,
      );
    expect(await failure(restoreDataStore({ from: folder, dataDir: original }))).toContain(
      'already holds a database',
    );
    expect(await failure(backupDataStore({ dataDir: original, to: folder }))).toContain(
      'is not empty',
    );

    const damaged = join(root, 'damaged');
    await backupDataStore({ dataDir: original, to: damaged });
    const key = join(damaged, 'secret.key');
    writeFileSync(
      key,
      readFileSync(key, 'utf8').replace(/^./, (c) => (c === 'A' ? 'B' : 'A')),
    );
    expect(await failure(restoreDataStore({ from: damaged, dataDir: join(root, 'r1') }))).toContain(
      `${key} does not match its checksum`,
    );

    const newer = join(root, 'newer');
    await backupDataStore({ dataDir: original, to: newer });
    const manifestPath = join(newer, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { schemaVersion: number };
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, schemaVersion: 999 }));
    expect(await failure(restoreDataStore({ from: newer, dataDir: join(root, 'r2') }))).toContain(
      'made by a newer Conclave (schema version 999',
    );
    expect(await failure(restoreDataStore({ from: root, dataDir: join(root, 'r3') }))).toMatch(
      /manifest\.json \(ENOENT\)/,
    );
    expect(
      await failure(
        backupDataStore({ databaseUrl: 'postgres://u@127.0.0.1/x', to: join(root, 'pg') }),
      ),
    ).toContain('back it up with pg_dump');
  }, 60_000);

  it('a server refuses a database upgraded by a newer version instead of running on it', async () => {
    const db = openSqlite(join(root, 'newer-schema.sqlite'));
    try {
      await migrate(db, Date.now);
      await db.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
        999,
        'from the future',
        Date.now(),
      ]);
      await expect(migrate(db, Date.now)).rejects.toThrow(
        /schema version 999, newer than this Conclave knows/,
      );
    } finally {
      await db.close();
    }
  });
});
