// The store of organizer-signed admissions (migration 14, repos/signed-admissions.ts) on both
// databases: signed-admissions-store.test.ts runs it on SQLite, .pg.test.ts on PostgreSQL. Kept as
// signed, read back unexpired with the newest list first, one list per sequence, scoped by tenant
// and gone with its meeting; a schema from before migration 14 gains the table.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '../src/identity/provisioning.ts';
import { migrate, migrations } from '../src/storage/migrations.ts';
import type { SignedAdmissionRecord } from '../src/storage/repos/signed-admissions.ts';
import { createStore, type Store } from '../src/storage/store.ts';
import type { StorageFixture } from './storage-suite.ts';

const now = 1_800_000_000_000;

function record(overrides: Partial<SignedAdmissionRecord>): SignedAdmissionRecord {
  return {
    id: randomUUID(),
    kind: 'invitation-list',
    sequence: 1,
    signerUserId: 'organizer',
    signerDeviceId: 'device-1',
    users: ['u1', 'u2'],
    coOrganizers: [],
    issuedAt: now,
    expiresAt: now + 3_600_000,
    statement: 'Q0EB',
    signature: 'c2ln',
    createdAt: now,
    ...overrides,
  };
}

async function seed(store: Store, name: string): Promise<{ tenantId: string; meetingId: string }> {
  const tenantId = (await createTenant(store, name, now)).id;
  await store.users.create(tenantId, {
    id: 'organizer',
    email: `organizer-${randomUUID()}@example.com`,
    displayName: 'Organizer',
    role: 'user',
    premium: true,
    e2eeCalls: false,
    passwordHash: 'scrypt$1$1$1$AA==$AA==',
    createdAt: now,
  });
  const meetingId = randomUUID();
  await store.meetings.create(tenantId, {
    id: meetingId,
    subject: 'Signed',
    type: 'meeting',
    organizer: 'organizer',
    template: null,
    label: null,
    options: { recording: false },
    invitees: [],
    state: 'scheduled',
    decision: {
      outcome: 'scheduled',
      endToEndEncryption: { enabled: true, locked: false, source: 'default' },
      features: {},
      reasons: [],
    },
    createdAt: now,
    startedAt: null,
    endedAt: null,
    startAt: now,
    timeZone: 'UTC',
    durationMinutes: 30,
    recurrence: null,
  });
  return { tenantId, meetingId };
}

export function defineSignedAdmissionsStoreSuite(
  name: string,
  open: () => Promise<StorageFixture>,
): void {
  describe(`signed admissions on ${name}`, () => {
    let fixture: StorageFixture;
    let store: Store;

    beforeAll(async () => {
      fixture = await open();
      await migrate(fixture.db, () => now);
      store = createStore(fixture.db);
    });
    afterAll(async () => {
      await fixture.close();
    });

    it('keeps statements as signed and reads the unexpired ones back, newest list first', async () => {
      const { tenantId, meetingId } = await seed(store, 'Signed A');
      const first = record({ sequence: 1 });
      const second = record({ sequence: 2, coOrganizers: ['u1'] });
      const lobby = record({ kind: 'lobby', sequence: 0, users: ['u3'], signerUserId: 'u1' });
      const expired = record({ kind: 'lobby', sequence: 0, expiresAt: now - 1 });
      for (const r of [first, lobby, second, expired]) await store.signedAdmissions.add(tenantId, meetingId, r);
      expect(await store.signedAdmissions.list(tenantId, meetingId, now)).toEqual([
        second,
        first,
        lobby,
      ]);
      expect(await store.signedAdmissions.newestSequence(tenantId, meetingId)).toBe(2);
      // A list after its expiry is not read; its sequence still counts.
      expect(await store.signedAdmissions.list(tenantId, meetingId, now + 3_600_000)).toEqual([]);
      expect(await store.signedAdmissions.newestSequence(tenantId, meetingId)).toBe(2);
    });

    it('holds one invitation list per sequence', async () => {
      const { tenantId, meetingId } = await seed(store, 'Signed B');
      await store.signedAdmissions.add(tenantId, meetingId, record({ sequence: 5 }));
      await expect(
        store.transaction((tx) =>
          tx.signedAdmissions.add(tenantId, meetingId, record({ sequence: 5 })),
        ),
      ).rejects.toMatchObject({ code: 'CONFLICT' });
      // Lobby admissions all have sequence 0.
      await store.signedAdmissions.add(tenantId, meetingId, record({ kind: 'lobby', sequence: 0 }));
      await store.signedAdmissions.add(tenantId, meetingId, record({ kind: 'lobby', sequence: 0 }));
      expect(await store.signedAdmissions.list(tenantId, meetingId, now)).toHaveLength(3);
    });

    it('is scoped by tenant and goes with its meeting', async () => {
      const a = await seed(store, 'Signed C');
      const b = await seed(store, 'Signed D');
      await store.signedAdmissions.add(a.tenantId, a.meetingId, record({}));
      expect(await store.signedAdmissions.list(b.tenantId, a.meetingId, now)).toEqual([]);
      expect(await store.signedAdmissions.newestSequence(b.tenantId, a.meetingId)).toBe(0);
      await fixture.db.run('DELETE FROM meetings WHERE tenant_id = ? AND id = ?', [
        a.tenantId,
        a.meetingId,
      ]);
      expect(await store.signedAdmissions.list(a.tenantId, a.meetingId, now)).toEqual([]);
    });

    it('adds the table to a schema from before migration 14, keeping its meetings', async () => {
      const old = await open();
      try {
        await migrate(
          old.db,
          () => now,
          migrations.filter((m) => m.version <= 13),
        );
        const before = createStore(old.db);
        const { tenantId, meetingId } = await seed(before, 'Before signing');
        expect(await migrate(old.db, () => now)).toContain(14);
        const after = createStore(old.db);
        expect(await after.meetings.get(tenantId, meetingId)).toBeDefined();
        await after.signedAdmissions.add(tenantId, meetingId, record({}));
        expect(await after.signedAdmissions.list(tenantId, meetingId, now)).toHaveLength(1);
      } finally {
        await old.close();
      }
    });
  });
}
