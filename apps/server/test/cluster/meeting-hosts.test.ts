// A node learns it lost a meeting two ways: its lease renewal finds another holder, or a group
// write is refused by the lease fence (host-lease-fence.pg.test.ts). Either way the room here goes
// once — its participants are told to reconnect to the new host — and the node stops renewing.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MeetingHosts } from '../../src/cluster/meeting-hosts.ts';
import { bootstrapAdmin } from '../../src/server.ts';
import { openStore } from '../../src/storage/open.ts';
import type { Store } from '../../src/storage/store.ts';
import { fastPasswords, sqliteDatabase, type TestDatabase } from '../support/databases.ts';

let db: TestDatabase;
let store: Store;
let tenantId: string;
let hosts: MeetingHosts;
let lost: string[];

beforeEach(async () => {
  db = sqliteDatabase();
  await bootstrapAdmin({ ...db.location, email: 'admin@example.org', passwordCost: fastPasswords });
  store = await openStore(db.location, Date.now);
  tenantId = (await store.tenants.first())!.id;
  lost = [];
  const everyoneAlive = { isAlive: () => true };
  hosts = new MeetingHosts(store, 'node-a', everyoneAlive, Date.now, (t, m) =>
    lost.push(`${t}/${m}`),
  );
});

afterEach(async () => {
  vi.useRealTimers();
  hosts.close();
  await store.close();
  await db.drop();
});

describe('a node losing a meeting it hosts', () => {
  it('lets the room go once when a fenced write finds the lease moved', async () => {
    expect(await hosts.route(tenantId, 'm1')).toEqual({ kind: 'here' });
    expect(
      await store.meetingHosts.takeOver(tenantId, 'm1', 'node-a', 'node-b', Date.now() + 10_000),
    ).toBe(true);

    hosts.lost(tenantId, 'm1');
    hosts.lost(tenantId, 'm1'); // a second refused write of the same backlog
    expect(lost).toEqual([`${tenantId}/m1`]);
    expect(hosts.isHosting(tenantId, 'm1')).toBe(false);
    expect(await hosts.holder(tenantId, 'm1')).toBe('node-b');
  });

  it('lets it go at the next renewal otherwise, and not again after a fenced write did', async () => {
    expect(await hosts.route(tenantId, 'm1')).toEqual({ kind: 'here' });
    expect(await hosts.route(tenantId, 'm2')).toEqual({ kind: 'here' });
    await store.meetingHosts.takeOver(tenantId, 'm1', 'node-a', 'node-b', Date.now() + 10_000);
    await store.meetingHosts.takeOver(tenantId, 'm2', 'node-a', 'node-b', Date.now() + 10_000);
    hosts.lost(tenantId, 'm2');

    await vi.waitFor(() => expect(lost).toContain(`${tenantId}/m1`), { timeout: 5_000 });
    expect(lost.sort()).toEqual([`${tenantId}/m1`, `${tenantId}/m2`]);
    expect(hosts.isHosting(tenantId, 'm2')).toBe(false);
  });

  it('tells a join it was cut off when the meeting moved while it ran, and only then', async () => {
    expect(await hosts.route(tenantId, 'm1')).toEqual({ kind: 'here' });
    // A join whose group write was refused: the fence made the node let the meeting go.
    const refused = hosts.movedDuring(tenantId, 'm1', async () => {
      await store.meetingHosts.takeOver(tenantId, 'm1', 'node-a', 'node-b', Date.now() + 10_000);
      hosts.lost(tenantId, 'm1');
    });
    expect(await refused).toBe(true);
    // A join that went through, or one the rules turned away, was not cut off.
    expect(await hosts.route(tenantId, 'm2')).toEqual({ kind: 'here' });
    expect(await hosts.movedDuring(tenantId, 'm2', () => Promise.resolve())).toBe(false);
    // A join of another meeting is not cut off by m3's move.
    expect(await hosts.route(tenantId, 'm3')).toEqual({ kind: 'here' });
    const otherMoved = hosts.movedDuring(tenantId, 'm2', () => {
      hosts.lost(tenantId, 'm3');
      return Promise.resolve();
    });
    expect(await otherMoved).toBe(false);
    expect(hosts.isHosting(tenantId, 'm3')).toBe(false);
  });

  it('keeps hosting what it holds: a refused write of another meeting changes nothing here', async () => {
    expect(await hosts.route(tenantId, 'm1')).toEqual({ kind: 'here' });
    hosts.lost(tenantId, 'elsewhere');
    expect(lost).toEqual([]);
    expect(hosts.isHosting(tenantId, 'm1')).toBe(true);
  });
});
