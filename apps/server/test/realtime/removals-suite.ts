// The removals of running meetings on both databases (removals.test.ts: SQLite, removals.pg.test.ts:
// PostgreSQL): a removal holds for the run it was made in only, a later removal renews it for the
// new run, ending the meeting clears them, tenants never see each other's, and deleting the user
// or the meeting takes its rows along.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '../../src/identity/provisioning.ts';
import { migrate } from '../../src/storage/migrations.ts';
import type { MeetingRecord } from '../../src/storage/records.ts';
import type { SqlDb } from '../../src/storage/sql.ts';
import { createStore, type Store } from '../../src/storage/store.ts';

export interface RemovalsFixture {
  db: SqlDb;
  close(): Promise<void>;
}

const now = () => Date.now();

function user(id: string) {
  return {
    id,
    email: `${id}@example.com`,
    displayName: id,
    role: 'user' as const,
    premium: true,
    e2eeCalls: false,
    passwordHash: 'scrypt$1$1$1$AA==$AA==',
    createdAt: now(),
  };
}

function meeting(id: string, organizer: string, startedAt: number): MeetingRecord {
  return {
    id,
    subject: 'Board',
    type: 'meeting',
    organizer,
    template: null,
    label: null,
    options: {},
    invitees: [],
    state: 'started',
    decision: {
      outcome: 'scheduled',
      endToEndEncryption: { enabled: true, locked: false, source: 'organizer' },
      features: {},
      reasons: [],
    },
    createdAt: startedAt,
    startedAt,
    endedAt: null,
    startAt: startedAt,
    timeZone: 'UTC',
    durationMinutes: 60,
    recurrence: null,
  };
}

export function defineRemovalsSuite(name: string, open: () => Promise<RemovalsFixture>): void {
  describe(`meeting removals on ${name}`, () => {
    let fixture: RemovalsFixture;
    let store: Store;
    let tenant: string;
    let other: string;
    const [organizer, bob, carol] = [randomUUID(), randomUUID(), randomUUID()];
    const meetingId = randomUUID();
    const run1 = 1_700_000_000_000;
    const run2 = run1 + 60_000;

    beforeAll(async () => {
      fixture = await open();
      await migrate(fixture.db, now);
      store = createStore(fixture.db);
      tenant = (await createTenant(store, 'Removals', now())).id;
      other = (await createTenant(store, 'Elsewhere', now())).id;
      for (const id of [organizer, bob, carol]) await store.users.create(tenant, user(id));
      await store.meetings.create(tenant, meeting(meetingId, organizer, run1));
    });
    afterAll(async () => {
      await fixture?.close();
    });

    const removal = (userId: string, runStartedAt: number) => ({
      userId,
      runStartedAt,
      removedBy: organizer,
      removedAt: now(),
    });

    it('holds for the run it was made in; a later removal renews it for the new run', async () => {
      await store.removals.put(tenant, meetingId, removal(bob, run1));
      await store.removals.put(tenant, meetingId, removal(carol, run1));
      expect(await store.removals.usersRemoved(tenant, meetingId, run1)).toEqual(
        [bob, carol].sort(),
      );
      expect(await store.removals.usersRemoved(tenant, meetingId, run2)).toEqual([]);
      expect(await store.removals.usersRemoved(other, meetingId, run1)).toEqual([]);

      await store.removals.put(tenant, meetingId, removal(bob, run2));
      expect(await store.removals.usersRemoved(tenant, meetingId, run2)).toEqual([bob]);
      expect(await store.removals.usersRemoved(tenant, meetingId, run1)).toEqual([carol]);
    });

    it('clears with the meeting’s end, and goes with a deleted user', async () => {
      await store.users.delete(tenant, carol);
      expect(await store.removals.usersRemoved(tenant, meetingId, run1)).toEqual([]);
      await store.removals.clear(other, meetingId);
      expect(await store.removals.usersRemoved(tenant, meetingId, run2)).toEqual([bob]);
      await store.removals.clear(tenant, meetingId);
      expect(await store.removals.usersRemoved(tenant, meetingId, run2)).toEqual([]);
    });
  });
}
