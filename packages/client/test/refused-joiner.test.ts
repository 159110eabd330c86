// A joiner every member refuses must not stall the group: the committer asked for a batch whose
// only Add it refused commits an update instead, so the epoch moves on, the refused Add is
// dropped, and the next person gets in.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { createDevice, createMlsCrypto, exportDevice } from '@conclave/crypto/member';
import { describe, expect, it } from 'vitest';
import { ConclaveClient, MemoryStore } from '../src/index.ts';
import { nodeWebSocketFactory } from '../src/node.ts';
import { until } from './support/people.ts';
import { realServerForFile, startedMeeting } from './support/real-server.ts';

const world = realServerForFile();

describe('a joiner the members refuse', () => {
  it('is turned away, and the next joiner still gets in', async () => {
    const [alice, bob, carol] = await world.people('alice', 'bob', 'carol');
    const id = await startedMeeting(world.server, alice!, [bob!, carol!], true);
    const organizer = await alice!.client.join(id);
    const connect = (token: string, store: MemoryStore) =>
      ConclaveClient.connect({
        server: world.server.url,
        auth: { token },
        store,
        webSocket: nodeWebSocketFactory(),
      });
    const bobStore = new MemoryStore();
    const bobLaptop = await connect(bob!.token, bobStore);
    const first = await bobLaptop.join(id);
    await until([organizer, first], () => organizer.roster.length === 2, 15_000, 'bob in');
    await first.leave();
    bobLaptop.close();

    // Bob's laptop comes back under the same device id with another key (the directory row
    // rewritten): Alice pinned the old key, so she refuses the Add — the only one of its batch.
    const identity = bobLaptop.device.identity;
    const rekeyed = await createDevice(await createMlsCrypto(), identity);
    const db = new Database(join(world.server.dataDir, 'conclave.sqlite'), { fileMustExist: true });
    db.prepare('UPDATE devices SET signature_public_key = ? WHERE id = ?').run(
      Buffer.from(rekeyed.keyPair.publicKey).toString('base64'),
      identity.deviceId,
    );
    db.close();
    await bobStore.set(
      `device:${world.server.url}:${identity.tenantId}:${identity.userId}`,
      exportDevice(rekeyed),
    );
    const sameLaptop = await connect(bob!.token, bobStore);
    try {
      await expect(sameLaptop.join(id)).rejects.toMatchObject({ code: 'join_blocked' });

      const second = await carol!.client.join(id);
      await until(
        [organizer, second],
        () => organizer.roster.length === 2 && second.epoch === organizer.epoch,
        15_000,
        'carol in on the same epoch as alice',
      );
      expect(second.securityCode).toBe(organizer.securityCode);
    } finally {
      sameLaptop.close();
    }
  });
});
