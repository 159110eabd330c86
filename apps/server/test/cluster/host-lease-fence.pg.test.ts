// A node that lost a meeting while it stalled must not touch the group the new host now runs.
// The 1,000-person run 10 found it: the host stalled past the heartbeat, another node took the
// meeting over, and the old host — waking to a backlog of departures before its lease renewal
// told it the meeting had moved — deleted the group; the new host's 1,177 removals then failed on
// the missing row. Every group write is now fenced on the lease, checked in the write's own
// transaction (MeetingGroupStore with a HostLease). Two connection pools on one PostgreSQL
// database stand for the two nodes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bootstrapAdmin } from '../../src/server.ts';
import { MeetingGroupStore, MeetingMoved } from '../../src/realtime/mls/group-store.ts';
import { newRemoveProposal } from '../../src/realtime/mls/group.ts';
import { openStore } from '../../src/storage/open.ts';
import type { Store } from '../../src/storage/store.ts';
import {
  fastPasswords,
  postgresDatabase,
  requirePgUrl,
  type TestDatabase,
} from '../support/databases.ts';
import { joiningPlan as joining, member } from '../support/group-members.ts';

const LEASE_MS = 10_000;

let db: TestDatabase;
let nodeA: Store;
let nodeB: Store;
let tenantId: string;

beforeEach(async () => {
  db = postgresDatabase(requirePgUrl());
  await bootstrapAdmin({ ...db.location, email: 'admin@example.org', passwordCost: fastPasswords });
  nodeA = await openStore(db.location, Date.now);
  nodeB = await openStore(db.location, Date.now);
  tenantId = (await nodeA.tenants.first())!.id;
});

afterEach(async () => {
  await nodeA.close();
  await nodeB.close();
  await db.drop();
});

/** A node's view of one meeting: its group store fenced by its lease, and whom it told "lost". */
function nodeView(store: Store, nodeId: string, meetingId: string) {
  const lost: string[] = [];
  const target = { tenantId, meetingId, kind: 'meeting' as const, endToEndEncryption: true };
  const group = new MeetingGroupStore(store, target, {
    nodeId,
    lost: (t, m) => lost.push(`${t}/${m}`),
  });
  return { group, lost, claim: () => claim(store, nodeId, meetingId) };
}

async function claim(store: Store, nodeId: string, meetingId: string): Promise<string> {
  const now = Date.now();
  return (await store.meetingHosts.claim(tenantId, meetingId, nodeId, now, now + LEASE_MS)).nodeId;
}

const removal = newRemoveProposal('r1', 1, member(1));

describe('group writes fenced on the host lease', () => {
  it('refuses every write of a node whose meeting was taken over, and leaves the group whole', async () => {
    const a = nodeView(nodeA, 'node-a', 'm1');
    const b = nodeView(nodeB, 'node-b', 'm1');
    expect(await a.claim()).toBe('node-a');
    await a.group.found(new Uint8Array(16).fill(1), Date.now());
    await a.group.created(member(0));
    await a.group.commit(joining(0n, member(1)), 'commit-0', 10, Date.now());

    // node-a stalls; node-b finds it lost and takes the meeting over.
    expect(
      await nodeB.meetingHosts.takeOver(tenantId, 'm1', 'node-a', 'node-b', Date.now() + LEASE_MS),
    ).toBe(true);

    // node-a wakes to a backlog: everyone it saw has gone, so it would end the group, commit, propose.
    await expect(a.group.delete()).rejects.toBeInstanceOf(MeetingMoved);
    await expect(
      a.group.commit(joining(1n, member(2)), 'stale', 10, Date.now()),
    ).rejects.toBeInstanceOf(MeetingMoved);
    await expect(a.group.putProposal(removal)).rejects.toBeInstanceOf(MeetingMoved);
    await expect(a.group.found(new Uint8Array(16).fill(2), Date.now())).rejects.toBeInstanceOf(
      MeetingMoved,
    );
    // Each refusal tells node-a to let its room go.
    expect(a.lost).toEqual([
      `${tenantId}/m1`,
      `${tenantId}/m1`,
      `${tenantId}/m1`,
      `${tenantId}/m1`,
    ]);

    // The group node-b runs is as node-a last left it, and node-b goes on writing it.
    const loaded = await b.group.load();
    expect(loaded?.epoch).toBe(1);
    expect(loaded?.members.map((m) => m.participantId).sort()).toEqual(['p0', 'p1']);
    expect(loaded?.proposals).toEqual([]);
    await b.group.putProposal(removal);
    await b.group.commit(joining(1n, member(2)), 'commit-1', 10, Date.now());
    expect((await b.group.load())?.epoch).toBe(2);
    expect(b.lost).toEqual([]);
  });

  it('refuses a node that never held the lease, or held it and let it go', async () => {
    const a = nodeView(nodeA, 'node-a', 'm2');
    const b = nodeView(nodeB, 'node-b', 'm2');
    await expect(b.group.found(new Uint8Array(16).fill(3), Date.now())).rejects.toBeInstanceOf(
      MeetingMoved,
    );
    expect(await a.claim()).toBe('node-a');
    await a.group.found(new Uint8Array(16).fill(3), Date.now());
    await nodeA.meetingHosts.release(tenantId, 'm2', 'node-a');
    await expect(a.group.delete()).rejects.toBeInstanceOf(MeetingMoved);
    expect(await b.group.load()).toBeDefined();
  });

  it('lets a write racing a take-over land only if the new host reads it', async () => {
    // Each round: node-a commits while node-b takes over and reads the group. node-b must see
    // node-a's commit if it was stored, and must not if it was refused — never a write after the
    // read that node-b's group then lacks.
    for (let round = 0; round < 20; round++) {
      const meetingId = `race-${round}`;
      const a = nodeView(nodeA, 'node-a', meetingId);
      const b = nodeView(nodeB, 'node-b', meetingId);
      expect(await a.claim()).toBe('node-a');
      await a.group.found(new Uint8Array(16).fill(round), Date.now());
      await a.group.created(member(0));
      const [written, seen] = await Promise.all([
        a.group.commit(joining(0n, member(1)), 'commit-0', 10, Date.now()).then(
          () => true,
          (error: unknown) => {
            expect(error).toBeInstanceOf(MeetingMoved);
            return false;
          },
        ),
        (async () => {
          await nodeB.meetingHosts.takeOver(
            tenantId,
            meetingId,
            'node-a',
            'node-b',
            Date.now() + LEASE_MS,
          );
          return (await b.group.load())?.epoch;
        })(),
      ]);
      // A commit stored after node-b read the group would leave node-b one epoch behind forever.
      expect(seen).toBe(written ? 1 : 0);
      expect((await b.group.load())?.epoch).toBe(written ? 1 : 0);
    }
  });
});
