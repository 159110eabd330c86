// Verified devices on the real server: Alice verifies Bob's device; every roster of hers shows it,
// in this meeting at once and in a later one on a new client over the same store; a wrong
// fingerprint is refused; when Bob's device comes back with another key, Alice's meeting says the
// key changed and that the device was verified, and the mark is gone.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { createDevice, createMlsCrypto, exportDevice } from '@conclave/crypto/member';
import { describe, expect, it } from 'vitest';
import { ConclaveClient, MemoryStore, type KeyChange, type RosterMember } from '../src/index.ts';
import { nodeWebSocketFactory } from '../src/node.ts';
import { until } from './support/people.ts';
import { realServerForFile, startedMeeting } from './support/real-server.ts';

const world = realServerForFile();

function connect(token: string, store: MemoryStore): Promise<ConclaveClient> {
  return ConclaveClient.connect({
    server: world.server.url,
    auth: { token },
    store,
    webSocket: nodeWebSocketFactory(),
  });
}

describe('verified devices', () => {
  it('are kept on the verifying device, shown in later meetings, and lost loudly on a key change', async () => {
    const [organizer, alice, bob] = await world.people('olga', 'alice', 'bob');
    const aliceStore = new MemoryStore();
    const bobStore = new MemoryStore();
    const aliceLaptop = await connect(alice!.token, aliceStore);
    const bobLaptop = await connect(bob!.token, bobStore);
    const clients = [aliceLaptop, bobLaptop];
    try {
      const first = await startedMeeting(world.server, organizer!, [alice!, bob!], true);
      const a = await aliceLaptop.join(first);
      const b = await bobLaptop.join(first);
      const bobOf = (roster: readonly RosterMember[]) =>
        roster.find((m) => m.userId === bob!.userId);
      await until([a, b], () => bobOf(a.roster) !== undefined, 15_000, 'bob in');
      expect(bobOf(a.roster)?.verified).toBe(false);
      const bobDevice = bobLaptop.device.identity;
      await expect(
        aliceLaptop.verifyDevice(bobDevice, aliceLaptop.fingerprint),
      ).rejects.toMatchObject({ code: 'fingerprint_mismatch' });
      const rosters: boolean[] = [];
      a.on('roster', (roster) => rosters.push(bobOf(roster)?.verified ?? false));
      // Bob reads his fingerprint aloud; it is the one Alice's roster shows for him.
      expect(bobOf(a.roster)?.fingerprint).toBe(bobLaptop.fingerprint);
      await aliceLaptop.verifyDevice(
        { userId: bobDevice.userId, deviceId: bobDevice.deviceId },
        bobLaptop.fingerprint,
      );
      expect(rosters).toEqual([true]);
      expect(bobOf(a.roster)?.verified).toBe(true);
      expect(b.roster.every((m) => !m.verified)).toBe(true);
      await b.leave();
      await a.leave();
      aliceLaptop.close();

      // Later, a new client over the same store (the page reloaded): the mark is still there.
      const again = await connect(alice!.token, aliceStore);
      clients.push(again);
      expect(again.device.identity).toEqual(aliceLaptop.device.identity);
      expect(await again.isDeviceVerified(bobDevice)).toBe(true);
      const second = await startedMeeting(world.server, organizer!, [alice!, bob!], true);
      const a2 = await again.join(second);
      const b2 = await bobLaptop.join(second);
      await until([a2, b2], () => bobOf(a2.roster) !== undefined, 15_000, 'bob in again');
      expect(bobOf(a2.roster)?.verified).toBe(true);
      await b2.leave();
      bobLaptop.close();

      // Bob's device comes back under the same id with another key (the directory row rewritten,
      // as a server that lies would): Alice refuses it, and is told it was a verified device.
      const changes: KeyChange[] = [];
      a2.on('keyChanged', (change) => changes.push(change));
      const rekeyed = await createDevice(await createMlsCrypto(), bobDevice);
      const db = new Database(join(world.server.dataDir, 'conclave.sqlite'), {
        fileMustExist: true,
      });
      db.prepare('UPDATE devices SET signature_public_key = ? WHERE id = ?').run(
        Buffer.from(rekeyed.keyPair.publicKey).toString('base64'),
        bobDevice.deviceId,
      );
      db.close();
      await bobStore.set(
        `device:${world.server.url}:${bobDevice.tenantId}:${bobDevice.userId}`,
        exportDevice(rekeyed),
      );
      const bobRekeyed = await connect(bob!.token, bobStore);
      clients.push(bobRekeyed);
      await expect(bobRekeyed.join(second)).rejects.toMatchObject({ code: 'join_blocked' });
      await until([a2], () => changes.length > 0, 15_000, 'the key change');
      expect(changes[0]).toMatchObject({
        subject: 'device',
        identity: bobDevice,
        fingerprint: bobRekeyed.fingerprint,
        pinnedFingerprint: bobLaptop.fingerprint,
        wasVerified: true,
      });
      expect(await again.isDeviceVerified(bobDevice)).toBe(false);
      expect([...aliceStore.keys()].some((k) => k.startsWith('verified:'))).toBe(false);
    } finally {
      for (const client of clients) client.close();
    }
  });
});
