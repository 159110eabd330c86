// One canonical commit per epoch, cluster-wide — even in the moment two nodes both believe they
// host a meeting (a lease just moved): each node's delivery service stores an accepted commit
// through MeetingGroupStore.commit before it sends anything, and the database lets exactly one
// commit per epoch in. The loser's commit (and its Welcome) is never stored, so never sent.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bootstrapAdmin } from '../../src/server.ts';
import { MeetingGroupStore } from '../../src/realtime/mls/group-store.ts';
import type { Member } from '../../src/realtime/mls/group.ts';
import { openStore } from '../../src/storage/open.ts';
import type { Store } from '../../src/storage/store.ts';
import {
  fastPasswords,
  postgresDatabase,
  requirePgUrl,
  type TestDatabase,
} from '../support/databases.ts';
import { joiningPlan, member } from '../support/group-members.ts';

let db: TestDatabase;
let nodes: Store[];

beforeEach(async () => {
  db = postgresDatabase(requirePgUrl());
  await bootstrapAdmin({ ...db.location, email: 'admin@example.org', passwordCost: fastPasswords });
  // Two nodes: two connection pools on one database.
  nodes = [await openStore(db.location, Date.now), await openStore(db.location, Date.now)];
});

afterEach(async () => {
  for (const store of nodes) await store.close();
  await db.drop();
});

describe('a commit race between two nodes', () => {
  it('stores exactly one commit for the epoch; the other node is refused', async () => {
    const tenantId = (await nodes[0]!.tenants.first())!.id;
    const target = {
      tenantId,
      meetingId: 'm1',
      kind: 'meeting' as const,
      endToEndEncryption: true,
    };
    const [a, b] = nodes.map((store) => new MeetingGroupStore(store, target));
    await a!.found(new Uint8Array(16).fill(1), Date.now());
    await a!.created(member(0));

    const planFor = (joiner: Member) => joiningPlan(0n, joiner);
    const outcomes = await Promise.allSettled([
      a!.commit(planFor(member(1)), 'commit-from-node-a', 10, Date.now()),
      b!.commit(planFor(member(2)), 'commit-from-node-b', 10, Date.now()),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'rejected')).toHaveLength(1);

    // Both nodes read the same epoch line: one commit for epoch 0, from the winner, and only the
    // winner's joiner in the group.
    for (const store of nodes) {
      const commits = await store.realtime.commitsFrom(tenantId, 'm1', 0);
      expect(commits).toHaveLength(1);
      const winner = outcomes[0].status === 'fulfilled' ? 'node-a' : 'node-b';
      expect(commits[0]!.message).toBe(`commit-from-${winner}`);
      const loaded = await new MeetingGroupStore(store, target).load();
      expect(loaded?.epoch).toBe(1);
      expect([...(loaded?.members ?? [])].map((m) => m.participantId).sort()).toEqual(
        winner === 'node-a' ? ['p0', 'p1'] : ['p0', 'p2'],
      );
    }
  });
});
