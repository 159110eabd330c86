// Issue 9 item 12 on the real server: a device registered a moment after a member read the
// directory (a first `conclave join`, a browser whose site data was cleared) joins. Members that
// do not know it yet wait for a fresh directory instead of refusing it on their stale copy
// (REFUSED_BY_MEMBERS, "its key does not match the directory").
import { describe, expect, it } from 'vitest';
import { ConclaveClient, MemoryStore } from '../src/index.ts';
import { nodeWebSocketFactory } from '../src/node.ts';
import { until } from './support/people.ts';
import { realServerForFile, startedMeeting } from './support/real-server.ts';

const world = realServerForFile();

describe('a device registered right after the members read the directory', () => {
  it('is admitted, not refused on a stale directory', async () => {
    const [alice, bob, carol] = await world.people('alice', 'bob', 'carol');
    const id = await startedMeeting(world.server, alice!, [bob!, carol!], true);
    const members = [await alice!.client.join(id), await bob!.client.join(id)];
    // Carol's new device: registered and joining within the members' last second.
    const fresh = await ConclaveClient.connect({
      server: world.server.url,
      auth: { token: carol!.token },
      store: new MemoryStore(),
      webSocket: nodeWebSocketFactory(),
    });
    try {
      const joined = await fresh.join(id);
      const all = [...members, joined];
      await until(
        all,
        () => all.every((m) => m.roster.length === 3 && m.securityCode === all[0]!.securityCode),
        15_000,
        'three members on one code',
      );
      expect(joined.roster.map((m) => m.userId).sort()).toEqual(
        [alice!.userId, bob!.userId, carol!.userId].sort(),
      );
    } finally {
      fresh.close();
    }
  });
});
