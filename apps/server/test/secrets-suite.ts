// The server's external-sender private key at rest: someone who copies the database (a backup, a
// replica, the SQLite file) gets no private key in any encoding; the key is sealed with a secret key
// that is not in the database (a 0600 key file in the data folder, or CONCLAVE_SECRET_KEY), bound to
// its tenant. A restart reads it back; a wrong or missing secret key stops the start with a clear
// error; a plain key left by an older version is sealed on start; rotation re-seals every row.
// secrets.test.ts runs it on SQLite, secrets.pg.test.ts on PostgreSQL.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createMlsCrypto,
  exportExternalSender,
  importExternalSender,
} from '@conclave/crypto/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateSecretKey, ServerError, startServer, type RunningServer } from '../src/index.ts';
import { prepareSecretsAtRest } from '../src/secrets/at-rest.ts';
import { openDatabase, openStore } from '../src/storage/open.ts';
import type { SqlDb } from '../src/storage/sql.ts';
import type { Store } from '../src/storage/store.ts';
import { fastPasswords, type TestDatabase } from './support/databases.ts';
import { signInAs, testRealtime, type SignedIn } from './realtime/support/deployment.ts';
import { externalSenderKeySeenBy } from './realtime/support/external-sender.ts';

const modeOf = (path: string) => statSync(path).mode & 0o777;

/** Whether `haystack` holds `secret` raw, in hex, or in base64 / base64url at any alignment. */
function holds(haystack: Buffer, secret: Uint8Array): boolean {
  const key = Buffer.from(secret);
  if (haystack.includes(key)) return true;
  const text = haystack.toString('latin1');
  const hex = key.toString('hex');
  if (text.includes(hex) || text.includes(hex.toUpperCase())) return true;
  for (const run of text.match(/[A-Za-z0-9+/_-]{40,}/g) ?? []) {
    for (let offset = 0; offset < 4; offset += 1) {
      if (Buffer.from(run.slice(offset), 'base64').includes(key)) return true;
    }
  }
  return false;
}

/** Every row of every table of the database, as JSON text. */
async function everyRow(db: SqlDb): Promise<string> {
  const tables =
    db.dialect === 'sqlite'
      ? await db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
      : await db.all<{ name: string }>(
          'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()',
        );
  expect(tables.map((t) => t.name)).toContain('realtime_external_senders');
  const rows: unknown[] = [];
  for (const { name } of tables) rows.push(...(await db.all(`SELECT * FROM ${name}`)));
  return JSON.stringify(rows);
}

export function defineSecretsSuite(name: string, database: () => TestDatabase): void {
  describe(`the external-sender key at rest on ${name}`, () => {
    let db: TestDatabase;
    /** A data folder the server creates itself. */
    let dataDir: string;
    let location: { dataDir: string; databaseUrl?: string };
    let server: RunningServer | undefined;
    const passwords: Record<string, string> = {};
    let tenantId: string;
    /** The external-sender public key the server hands its members (base64). */
    let serverKey: string;

    beforeAll(() => {
      db = database();
      dataDir = join(db.location.dataDir, 'server');
      location = { ...db.location, dataDir };
    });
    afterAll(async () => {
      await server?.close();
      await db?.drop();
    });

    async function stop(): Promise<void> {
      await server?.close();
      server = undefined;
    }

    async function start(secretKey?: string): Promise<RunningServer> {
      await stop();
      server = await startServer({
        port: 0,
        ...location,
        demo: true,
        passwordCost: fastPasswords,
        log: () => undefined,
        webRoot: false,
        realtime: testRealtime,
        ...(secretKey === undefined ? {} : { secretKey }),
      });
      for (const signIn of server.demoSignIns ?? []) passwords[signIn.email] = signIn.password;
      return server;
    }

    /** dave joins a new E2EE meeting: the answer names the server's external-sender key. */
    async function keyAsSeen(running: RunningServer): Promise<string> {
      const email = 'dave@demo.conclave.local';
      const dave: SignedIn = await signInAs(running.url, 'dave', passwords[email] ?? '');
      tenantId = dave.tenantId;
      return externalSenderKeySeenBy(running.url, dave);
    }

    async function withStore(work: (store: Store) => Promise<void>): Promise<void> {
      const store = await openStore(location, Date.now);
      try {
        await work(store);
      } finally {
        await store.close();
      }
    }

    async function withDb<T>(work: (db: SqlDb) => Promise<T>): Promise<T> {
      const opened = await openDatabase(location);
      try {
        return await work(opened);
      } finally {
        await opened.close();
      }
    }

    /** The stored row, and the private key in it (opened with the key file, as the server does). */
    async function stored(): Promise<{ row: string; privateKey: Uint8Array }> {
      const store = await openStore(location, Date.now);
      try {
        const row = (await store.realtime.externalSender(tenantId)) ?? '';
        const vault = await prepareSecretsAtRest(store, { dataDir });
        const pair = await importExternalSender(await createMlsCrypto(), vault.open(tenantId, row));
        expect(Buffer.from(pair.publicKey).toString('base64')).toBe(serverKey);
        return { row, privateKey: pair.privateKey };
      } finally {
        await store.close();
      }
    }

    async function expectNoPrivateKeyAtRest(): Promise<void> {
      const { privateKey } = await stored();
      expect(holds(Buffer.from(await withDb(everyRow)), privateKey)).toBe(false);
      if (location.databaseUrl === undefined) {
        for (const file of ['conclave.sqlite', 'conclave.sqlite-wal', 'conclave.sqlite-shm']) {
          const path = join(dataDir, file);
          if (existsSync(path)) expect(holds(readFileSync(path), privateKey), file).toBe(false);
        }
      }
    }

    it('keeps no private key bytes in any row, nor in the database files', async () => {
      serverKey = await keyAsSeen(await start());
      await stop();
      await expectNoPrivateKeyAtRest();
      expect((await stored()).row).toMatch(/^sealed-v1\./);
    });

    it('makes the data folder 0700, and the key file and database files 0600', () => {
      expect(modeOf(dataDir).toString(8)).toBe('700');
      expect(modeOf(join(dataDir, 'secret.key')).toString(8)).toBe('600');
      if (location.databaseUrl === undefined) {
        expect(modeOf(join(dataDir, 'conclave.sqlite')).toString(8)).toBe('600');
        for (const file of ['conclave.sqlite-wal', 'conclave.sqlite-shm']) {
          const path = join(dataDir, file);
          if (existsSync(path)) expect(modeOf(path).toString(8), file).toBe('600');
        }
      }
    });

    it('reads the sealed key back after a restart', async () => {
      expect(await keyAsSeen(await start())).toBe(serverKey);
      if (location.databaseUrl === undefined) {
        // While the server runs, SQLite's -wal and -shm exist: the owner's alone too.
        for (const file of ['conclave.sqlite-wal', 'conclave.sqlite-shm']) {
          expect(modeOf(join(dataDir, file)).toString(8), file).toBe('600');
        }
      }
    });

    it('refuses to start with a wrong or missing secret key, saying what is wrong and never the key', async () => {
      await stop();
      const wrong = randomBytes(32).toString('base64');
      const failure = await start(wrong).catch((error: unknown) => error as Error);
      expect(failure).toBeInstanceOf(Error);
      expect((failure as Error).message).toMatch(/CONCLAVE_SECRET_KEY.*not the key that sealed/);
      expect((failure as Error).message).not.toContain(wrong);

      const malformed = await start('not-a-key').catch((error: unknown) => error as Error);
      expect((malformed as Error).message).toMatch(/CONCLAVE_SECRET_KEY must be 32 bytes/);

      const keyFile = join(dataDir, 'secret.key');
      renameSync(keyFile, `${keyFile}.away`);
      try {
        const missing = await start().catch((error: unknown) => error as Error);
        expect((missing as Error).message).toMatch(/secret key file .*secret\.key is missing/);
        expect(existsSync(keyFile)).toBe(false);
      } finally {
        renameSync(`${keyFile}.away`, keyFile);
      }
      // Nothing was changed by the refused starts.
      expect(await keyAsSeen(await start())).toBe(serverKey);
    });

    it('says which folder it could not make, rather than a stack trace', async () => {
      const notAFolder = join(db.location.dataDir, 'a-file');
      writeFileSync(notAFolder, '');
      const failure = await startServer({
        port: 0,
        ...location,
        dataDir: join(notAFolder, 'data'),
        log: () => undefined,
        webRoot: false,
      }).catch((error: unknown) => error as Error);
      expect(failure).toBeInstanceOf(ServerError);
      // SQLite needs the folder first; on PostgreSQL the stored keys need their key file first.
      expect((failure as Error).message).toMatch(
        location.databaseUrl === undefined
          ? /^Could not create .*a-file\/data \(ENOTDIR\)/
          : /^The secret key file .*a-file\/data\/secret\.key is missing/,
      );
    });

    it('seals on start a plain key left by an older version', async () => {
      await stop();
      const { privateKey, row } = await stored();
      const pair = await importExternalSender(
        await createMlsCrypto(),
        (await prepareVault()).open(tenantId, row),
      );
      const plain = Buffer.from(exportExternalSender(pair)).toString('base64');
      await withDb((opened) =>
        opened.run('UPDATE realtime_external_senders SET key_pair = ? WHERE tenant_id = ?', [
          plain,
          tenantId,
        ]),
      );
      expect(holds(Buffer.from(await withDb(everyRow)), privateKey)).toBe(true);

      expect(await keyAsSeen(await start())).toBe(serverKey);
      await stop();
      expect((await stored()).row).toMatch(/^sealed-v1\./);
      await expectNoPrivateKeyAtRest();
    });

    it('rotates the secret key: every row re-sealed under the new key, the server starts with it', async () => {
      const keyFile = join(dataDir, 'secret.key');
      const before = readFileSync(keyFile, 'utf8');
      const { row: sealedBefore } = await stored();
      // A single sign-on client secret is sealed under the same key, and must move with it.
      await stop();
      const ssoSecret = 'the-oidc-client-secret';
      await withStore(async (store) => {
        const vault = await prepareSecretsAtRest(store, { dataDir });
        await store.sso.put({
          tenantId,
          issuer: 'https://idp.example',
          clientId: 'conclave',
          clientSecretSealed: vault.sealSsoSecret(tenantId, ssoSecret),
          emailClaim: 'email',
          nameClaim: 'name',
          groupsClaim: null,
          passwordSignIn: true,
          newUsersPremium: false,
          domains: ['rotation.example'],
          updatedAt: Date.now(),
        });
      });
      const rotated = await rotateSecretKey(location);
      expect(rotated.resealed).toBeGreaterThanOrEqual(2);
      await withStore(async (store) => {
        const vault = await prepareSecretsAtRest(store, { dataDir });
        const row = await store.sso.get(tenantId);
        expect(row?.clientSecretSealed).toMatch(new RegExp(`^sealed-v1\\.${rotated.keyId}\\.`));
        expect(vault.openSsoSecret(tenantId, row?.clientSecretSealed ?? '')).toBe(ssoSecret);
      });
      expect(rotated.resealed).toBeGreaterThanOrEqual(1);
      expect(readFileSync(keyFile, 'utf8')).not.toBe(before);
      expect(modeOf(keyFile).toString(8)).toBe('600');
      const { row } = await stored();
      expect(row).toMatch(new RegExp(`^sealed-v1\\.${rotated.keyId}\\.`));
      expect(row).not.toBe(sealedBefore);
      expect(await keyAsSeen(await start())).toBe(serverKey);

      // The old key no longer opens anything: starting with it is refused.
      const old = before.trim();
      await stop();
      await expect(start(old)).rejects.toThrow(/not the key that sealed/);

      // With the key in the environment instead: the new one comes from CONCLAVE_NEW_SECRET_KEY.
      const current = readFileSync(keyFile, 'utf8').trim();
      const next = randomBytes(32).toString('base64');
      const byEnvironment = await rotateSecretKey({
        ...location,
        secretKey: current,
        newSecretKey: next,
      });
      expect(byEnvironment.resealed).toBeGreaterThanOrEqual(1);
      expect(await keyAsSeen(await start(next))).toBe(serverKey);
    });

    async function prepareVault() {
      const store = await openStore(location, Date.now);
      try {
        return await prepareSecretsAtRest(store, { dataDir });
      } finally {
        await store.close();
      }
    }
  });
}
