// One storage test suite for both databases: storage.test.ts runs it on SQLite, storage.pg.test.ts
// on PostgreSQL. It proves tenant scoping, constraints, transactions, migrations and that the
// audit log cannot be changed, through the same Store interface the server uses.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, migrations } from '../src/storage/migrations.ts';
import type { SqlDb } from '../src/storage/sql.ts';
import { createStore } from '../src/storage/store.ts';
import type { Store } from '../src/storage/store.ts';
import { createTenant } from '../src/identity/provisioning.ts';
import type { MeetingRecord } from '../src/storage/records.ts';

export interface StorageFixture {
  db: SqlDb;
  close(): Promise<void>;
}

const now = () => Date.now();

function user(id: string, email: string) {
  return {
    id,
    email,
    displayName: id,
    role: 'user' as const,
    premium: true,
    e2eeCalls: false,
    passwordHash: 'scrypt$1$1$1$AA==$AA==',
    createdAt: now(),
  };
}

/**
 * A user row written straight in SQL, as a schema older than the repository's columns (migration
 * 11 added two) holds it: the repository writes columns such a schema lacks.
 */
async function insertOldUser(
  db: SqlDb,
  tenantId: string,
  row: ReturnType<typeof user>,
): Promise<void> {
  await db.run(
    `INSERT INTO users (tenant_id, id, email, display_name, role, premium, e2ee_calls, created_at, password_hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [tenantId, row.id, row.email, row.displayName, row.role, 1, 0, row.createdAt, row.passwordHash],
  );
}

function meeting(id: string, organizer: string, template: string | null): MeetingRecord {
  return {
    id,
    subject: 'Quarterly numbers',
    type: 'meeting',
    organizer,
    template,
    label: null,
    options: { recording: false },
    invitees: [],
    state: 'scheduled',
    decision: {
      outcome: 'scheduled',
      endToEndEncryption: { enabled: false, locked: false, source: 'default' },
      features: {},
      reasons: [],
    },
    createdAt: now(),
    startedAt: null,
    endedAt: null,
    startAt: now(),
    timeZone: 'Europe/Berlin',
    durationMinutes: 45,
    recurrence: { frequency: 'weekly', count: 4 },
  };
}

export function defineStorageSuite(name: string, open: () => Promise<StorageFixture>): void {
  describe(`storage on ${name}`, () => {
    let fixture: StorageFixture;
    let db: SqlDb;
    let store: Store;
    let a: string;
    let b: string;
    const alice = randomUUID();
    const bruno = randomUUID();

    beforeAll(async () => {
      fixture = await open();
      db = fixture.db;
      await migrate(db, now);
      store = createStore(db);
      a = (await createTenant(store, 'Tenant A', now())).id;
      b = (await createTenant(store, 'Tenant B', now())).id;
      await store.users.create(a, user(alice, `Alice-${alice}@example.com`));
      await store.users.create(b, user(bruno, `bruno-${bruno}@example.com`));
    });

    afterAll(async () => {
      await fixture.close();
    });

    it('records each migration once; applying again changes nothing', async () => {
      const rows = await db.all<{ version: number }>('SELECT version FROM schema_migrations');
      expect(rows.map((row) => Number(row.version)).sort((x, y) => x - y)).toEqual(
        migrations.map((m) => m.version),
      );
      expect(await migrate(db, now)).toEqual([]);
    });

    it('creates each tenant with the built-in Global policy', async () => {
      const policies = await store.encryptionPolicies.list(a);
      expect(policies.map((p) => p.name)).toEqual(['Global']);
      expect(policies[0]?.meetingEndToEndEncryption).toBe('DisabledUserOverride');
      expect(policies[0]?.callingEndToEndEncryption).toBe('Disabled');
    });

    it('reads booleans and millisecond timestamps back as booleans and numbers', async () => {
      const read = await store.users.get(a, alice);
      expect(read?.premium).toBe(true);
      expect(read?.e2eeCalls).toBe(false);
      expect(typeof read?.createdAt).toBe('number');
      expect(read?.createdAt).toBeGreaterThan(1_600_000_000_000);
    });

    it('never reads, changes or deletes a row of another tenant by id', async () => {
      expect(await store.users.get(b, alice)).toBeUndefined();
      expect(await store.users.update(b, alice, { premium: false })).toBe(false);
      expect(await store.users.delete(b, alice)).toBe(false);
      expect((await store.users.get(a, alice))?.premium).toBe(true);
      expect((await store.users.list(b)).map((u) => u.id)).toEqual([bruno]);

      await store.templates.create(a, { id: 'sensitive', name: 'Sensitive', options: {} }, now());
      expect(await store.templates.get(b, 'sensitive')).toBeUndefined();
      expect(
        await store.templates.replace(b, { id: 'sensitive', name: 'Hijacked', options: {} }),
      ).toBe(false);
      expect(await store.templates.delete(b, 'sensitive')).toBe(false);
      expect((await store.templates.get(a, 'sensitive'))?.name).toBe('Sensitive');

      await store.meetings.create(a, meeting('m-a', alice, 'sensitive'));
      expect(await store.meetings.get(b, 'm-a')).toBeUndefined();
      expect(await store.meetings.listForUser(b, alice)).toEqual([]);
      expect(
        await store.meetings.update(b, 'm-a', { ...meeting('m-a', alice, null), state: 'ended' }),
      ).toBe(false);
      expect((await store.meetings.get(a, 'm-a'))?.state).toBe('scheduled');
    });

    it('lets two tenants use the same group id independently', async () => {
      await store.groups.create(a, {
        id: 'finance',
        name: 'Finance',
        members: [alice],
        createdAt: now(),
      });
      await store.groups.create(b, {
        id: 'finance',
        name: 'Finance',
        members: [bruno],
        createdAt: now(),
      });
      expect((await store.groups.get(a, 'finance'))?.members).toEqual([alice]);
      expect((await store.groups.get(b, 'finance'))?.members).toEqual([bruno]);
      expect((await store.users.get(a, alice))?.groups).toEqual(['finance']);
    });

    it('refuses a membership that would link a user of one tenant to a group of another', async () => {
      await expect(
        db.run('INSERT INTO group_members (tenant_id, group_id, user_id) VALUES (?, ?, ?)', [
          b,
          'finance',
          alice,
        ]),
      ).rejects.toSatisfy((error: unknown) => db.isForeignKeyViolation(error));
    });

    it('keeps emails unique within a tenant, compared without case; another tenant may have the same', async () => {
      await expect(
        store.users.create(a, user(randomUUID(), `ALICE-${alice}@EXAMPLE.COM`)),
      ).rejects.toSatisfy((error: unknown) => db.isUniqueViolation(error));
      const twin = randomUUID();
      await store.users.create(b, user(twin, `ALICE-${alice}@EXAMPLE.COM`));
      const found = await store.users.signInAccounts(` alice-${alice}@example.com `);
      const byName = [...found].sort((p, q) => p.tenantName.localeCompare(q.tenantName));
      expect(byName.map((f) => [f.tenantId, f.tenantName, f.id])).toEqual([
        [a, 'Tenant A', alice],
        [b, 'Tenant B', twin],
      ]);
      expect(await store.users.idByEmail(a, `ALICE-${alice}@example.com`)).toBe(alice);
      expect(await store.users.idByEmail(b, ` alice-${alice}@example.com`)).toBe(twin);
      expect(await store.users.idByEmail(b, `bruno-${alice}@example.com`)).toBeUndefined();
      expect(await store.users.delete(b, twin)).toBe(true);
    });

    it('moves users to per-tenant emails (migration 5) keeping every row that refers to them', async () => {
      const old = await open();
      try {
        expect(
          await migrate(
            old.db,
            now,
            migrations.filter((m) => m.version <= 4),
          ),
        ).toEqual([1, 2, 3, 4]);
        const before = createStore(old.db);
        const t = (await createTenant(before, 'Old tenant', now())).id;
        const u = (await createTenant(before, 'Other old tenant', now())).id;
        const [x, y] = [randomUUID(), randomUUID()];
        await insertOldUser(old.db, t, user(x, 'x@example.com'));
        await insertOldUser(old.db, t, user(y, 'y@example.com'));
        await before.groups.create(t, { id: 'g', name: 'G', members: [x, y], createdAt: now() });
        await before.sessions.create('old-session', {
          tenantId: t,
          userId: x,
          createdAt: now(),
          expiresAt: now() + 60_000,
        });
        await before.knownDevices.create('old-device', { tenantId: t, userId: y, now: now() });
        // Written as the schema of the time had it (the repository writes today's columns).
        await old.db.run(
          `INSERT INTO meetings (tenant_id, id, organizer_id, subject, type, options, state, decision, created_at)
           VALUES (?, 'old-meeting', ?, 'Old', 'meeting', '{}', 'scheduled', '{}', ?)`,
          [t, x, now()],
        );
        const oldMeeting = () =>
          old.db.get<{ organizer_id: string }>(
            `SELECT organizer_id FROM meetings WHERE tenant_id = ? AND id = 'old-meeting'`,
            [t],
          );
        // The old rule: one email across all tenants.
        await expect(
          insertOldUser(old.db, u, user(randomUUID(), 'x@example.com')),
        ).rejects.toSatisfy((error: unknown) => old.db.isUniqueViolation(error));

        expect(
          await migrate(
            old.db,
            now,
            migrations.filter((m) => m.version <= 5),
          ),
        ).toEqual([5]);
        // The rest, so that the repositories of this build read the rows migration 5 kept.
        await migrate(old.db, now);
        const after = createStore(old.db);
        const users = (await after.users.list(t)).sort((p, q) => p.email.localeCompare(q.email));
        expect(users.map((row) => [row.id, row.email, row.groups])).toEqual([
          [x, 'x@example.com', ['g']],
          [y, 'y@example.com', ['g']],
        ]);
        expect(await after.sessions.find('old-session', now())).toMatchObject({ userId: x });
        expect(await after.knownDevices.find('old-device', 0)).toEqual({ tenantId: t, userId: y });
        expect((await oldMeeting())?.organizer_id).toBe(x);
        // The new rule, and the references still enforced and cascading.
        await after.users.create(u, user(randomUUID(), 'X@example.com'));
        await expect(after.users.create(t, user(randomUUID(), 'x@example.com'))).rejects.toSatisfy(
          (error: unknown) => old.db.isUniqueViolation(error),
        );
        await expect(
          old.db.run('INSERT INTO group_members (tenant_id, group_id, user_id) VALUES (?, ?, ?)', [
            t,
            'g',
            'nobody',
          ]),
        ).rejects.toSatisfy((error: unknown) => old.db.isForeignKeyViolation(error));
        expect(await after.users.delete(t, x)).toBe(true);
        expect(await after.sessions.find('old-session', now())).toBeUndefined();
        expect(await oldMeeting()).toBeUndefined();
        expect((await after.groups.get(t, 'g'))?.members).toEqual([y]);
      } finally {
        await old.close();
      }
    });

    it('gives meetings from before migration 12 their creation as start, 60 minutes, UTC', async () => {
      const old = await open();
      try {
        await migrate(
          old.db,
          now,
          migrations.filter((m) => m.version <= 11),
        );
        const before = createStore(old.db);
        const t = (await createTenant(before, 'Before times', now())).id;
        const x = randomUUID();
        await before.users.create(t, user(x, 'x@example.com'));
        await old.db.run(
          `INSERT INTO meetings (tenant_id, id, organizer_id, subject, type, options, state, decision, created_at)
           VALUES (?, 'old-meeting', ?, 'Old', 'meeting', '{}', 'scheduled', '{}', ?)`,
          [t, x, 1_700_000_000_000],
        );
        expect(await migrate(old.db, now)).toContain(12);
        expect(await createStore(old.db).meetings.get(t, 'old-meeting')).toMatchObject({
          startAt: 1_700_000_000_000,
          timeZone: 'UTC',
          durationMinutes: 60,
          recurrence: null,
        });
      } finally {
        await old.close();
      }
    });

    it('finds a session only until it expires, by token hash', async () => {
      const t = now();
      await store.sessions.create('hash-1', {
        tenantId: a,
        userId: alice,
        createdAt: t,
        expiresAt: t + 1000,
      });
      expect(await store.sessions.find('hash-1', t + 999)).toEqual({
        tenantId: a,
        userId: alice,
        expiresAt: t + 1000,
      });
      expect(await store.sessions.find('hash-1', t + 1000)).toBeUndefined();
      expect(await store.sessions.deleteExpired(t + 1000)).toBeGreaterThanOrEqual(1);
    });

    it('replaces a direct or global assignment, and keeps group ranks unique', async () => {
      const repo = store.encryptionAssignments;
      await store.encryptionPolicies.create(
        a,
        {
          name: 'NoE2EE',
          description: '',
          meetingEndToEndEncryption: 'Disabled',
          callingEndToEndEncryption: 'Disabled',
        },
        now(),
      );
      const first = { id: randomUUID(), policy: 'NoE2EE', user: alice, createdAt: now() };
      expect(await repo.replace(a, first)).toBeUndefined();
      const second = { id: randomUUID(), policy: 'Global', user: alice, createdAt: now() };
      expect((await repo.replace(a, second))?.id).toBe(first.id);
      const globalOne = {
        id: randomUUID(),
        policy: 'NoE2EE',
        global: true as const,
        createdAt: now(),
      };
      await repo.replace(a, globalOne);
      const globalTwo = {
        id: randomUUID(),
        policy: 'Global',
        global: true as const,
        createdAt: now(),
      };
      expect((await repo.replace(a, globalTwo))?.id).toBe(globalOne.id);
      await repo.replace(a, {
        id: randomUUID(),
        policy: 'NoE2EE',
        group: 'finance',
        rank: 1,
        createdAt: now(),
      });
      expect((await repo.list(a)).map((x) => x.policy).sort()).toEqual([
        'Global',
        'Global',
        'NoE2EE',
      ]);

      await store.groups.create(a, { id: 'legal', name: 'Legal', members: [], createdAt: now() });
      expect(await repo.holderOfRank(a, 1, 'legal')).toMatchObject({ group: 'finance' });
      await expect(
        db.run(
          "INSERT INTO encryption_policy_assignments (tenant_id, id, policy_name, scope, group_id, group_rank, created_at) VALUES (?, ?, 'NoE2EE', 'group', 'legal', 1, ?)",
          [a, randomUUID(), now()],
        ),
      ).rejects.toSatisfy((error: unknown) => db.isUniqueViolation(error));
      expect(await repo.list(b)).toEqual([]);
    });

    it('will not delete a policy that is still assigned', async () => {
      expect(await store.encryptionAssignments.countForPolicy(a, 'NoE2EE')).toBe(1);
      await expect(store.encryptionPolicies.delete(a, 'NoE2EE')).rejects.toSatisfy(
        (error: unknown) => db.isForeignKeyViolation(error),
      );
    });

    it('deletes a user together with memberships, sessions and direct assignments', async () => {
      const carol = randomUUID();
      await store.users.create(a, user(carol, `carol-${carol}@example.com`));
      await store.groups.addMember(a, 'legal', carol);
      await store.sessions.create(`hash-${carol}`, {
        tenantId: a,
        userId: carol,
        createdAt: now(),
        expiresAt: now() + 60_000,
      });
      await store.encryptionAssignments.replace(a, {
        id: randomUUID(),
        policy: 'NoE2EE',
        user: carol,
        createdAt: now(),
      });
      expect(await store.users.delete(a, carol)).toBe(true);
      expect((await store.groups.get(a, 'legal'))?.members).toEqual([]);
      expect(await store.sessions.find(`hash-${carol}`, now())).toBeUndefined();
      expect(
        (await store.encryptionAssignments.list(a)).some((x) => 'user' in x && x.user === carol),
      ).toBe(false);
    });

    it('rolls a transaction back entirely when its work fails', async () => {
      await expect(
        store.transaction(async (tx) => {
          await tx.labels.create(a, { id: 'doomed', name: 'Doomed', meeting: {} }, now());
          throw new Error('stop');
        }),
      ).rejects.toThrow('stop');
      expect(await store.labels.get(a, 'doomed')).toBeUndefined();
    });

    it('keeps a concurrent write out of a transaction that later rolls back', async () => {
      let release = () => {};
      const gate = new Promise<void>((resolve) => (release = resolve));
      let begun = () => {};
      const inside = new Promise<void>((resolve) => (begun = resolve));
      const failing = store.transaction(async (tx) => {
        await tx.labels.create(a, { id: 'inside', name: 'Inside', meeting: {} }, now());
        begun();
        await gate;
        throw new Error('rollback');
      });
      await inside;
      // Issued while the transaction is open: it must not become part of it.
      const outside = store.labels.create(
        a,
        { id: 'outside', name: 'Outside', meeting: {} },
        now(),
      );
      release();
      await expect(failing).rejects.toThrow('rollback');
      await outside;
      expect(await store.labels.get(a, 'inside')).toBeUndefined();
      expect((await store.labels.get(a, 'outside'))?.name).toBe('Outside');
    });

    it('keeps the audit log append-only, newest first, filtered by tenant and kind', async () => {
      for (const kind of ['policy.created', 'meeting.scheduled', 'meeting.rejected']) {
        await store.audit.append(a, {
          at: now(),
          actor: { id: alice, displayName: 'Alice' },
          kind,
          subject: 's',
          details: { n: 1 },
        });
      }
      await store.audit.append(b, {
        at: now(),
        actor: null,
        kind: 'meeting.scheduled',
        subject: 's',
        details: {},
      });
      const all = await store.audit.list(a, { limit: 10 });
      expect(all.map((e) => e.kind)).toEqual([
        'meeting.rejected',
        'meeting.scheduled',
        'policy.created',
      ]);
      expect(
        (await store.audit.list(a, { limit: 10, kind: 'meeting' })).map((e) => e.kind),
      ).toEqual(['meeting.rejected', 'meeting.scheduled']);
      expect((await store.audit.list(a, { limit: 10, kind: 'meeting.rejected' })).length).toBe(1);
      const older = await store.audit.list(a, { limit: 10, before: all[0]?.id ?? '' });
      expect(older.map((e) => e.kind)).toEqual(['meeting.scheduled', 'policy.created']);
      expect((await store.audit.list(b, { limit: 10 })).length).toBe(1);

      await expect(
        db.run('UPDATE audit_log SET kind = ? WHERE tenant_id = ?', ['forged', a]),
      ).rejects.toThrow(/append-only/);
      await expect(db.run('DELETE FROM audit_log WHERE tenant_id = ?', [a])).rejects.toThrow(
        /append-only/,
      );
      expect((await store.audit.list(a, { limit: 10 })).map((e) => e.kind)).toEqual(
        all.map((e) => e.kind),
      );
    });
  });
}
