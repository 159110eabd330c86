// What the roster says about who someone is, on the real server: a device first seen while its
// person is already here ("second device") or already known with another device ("new device") is
// an SDK event and a note on the roster entry; two people with the same display name are told
// apart by their email.
import { describe, expect, it } from 'vitest';
import { ConclaveClient, MemoryStore, type Meeting, type NewDevice } from '../src/index.ts';
import { nodeWebSocketFactory } from '../src/node.ts';
import { until } from './support/people.ts';
import { realServerForFile, startedMeeting, type RealPerson } from './support/real-server.ts';

const world = realServerForFile();
const clients: ConclaveClient[] = [];

/** Another device of `person`: the same sign-in, a store of its own (so a new device key). */
async function anotherDevice(person: RealPerson): Promise<ConclaveClient> {
  const client = await ConclaveClient.connect({
    server: world.server.url,
    auth: { token: person.token },
    store: new MemoryStore(),
    webSocket: nodeWebSocketFactory(),
    deviceName: `${person.name}'s other device`,
  });
  clients.push(client);
  return client;
}

function sameEpoch(meetings: readonly Meeting[], size: number): () => boolean {
  return () => meetings.every((m) => m.roster.length === size && m.epoch === meetings[0]!.epoch);
}

describe('devices new to a member', () => {
  it('flags a second device of someone present, and a new device of someone known before', async () => {
    const [alice, dave] = await world.people('alice', 'dave');
    try {
      const first = await startedMeeting(world.server, alice!, [dave!], true);
      const news: NewDevice[] = [];
      const a = await alice!.client.join(first);
      a.on('newDevice', (d) => news.push(d));
      const d1 = await dave!.client.join(first);
      await until([a, d1], sameEpoch([a, d1], 2), 15_000, 'Dave in');
      // Dave is new to Alice, but no news: nobody had seen another device of his.
      expect(news).toEqual([]);
      expect(a.roster.find((m) => m.userId === dave!.userId)?.deviceNote).toBeUndefined();

      const phone = await anotherDevice(dave!);
      const d2 = await phone.join(first);
      await until([a, d1, d2], sameEpoch([a, d1, d2], 3), 15_000, 'Dave’s phone in');
      await until([a], () => news.length === 1, 5_000, 'the event');
      expect(news[0]).toMatchObject({
        userId: dave!.userId,
        deviceId: phone.device.identity.deviceId,
        note: 'second-device',
        label: 'dave',
      });
      const entries = a.roster.filter((m) => m.userId === dave!.userId);
      expect(entries.map((m) => m.deviceNote ?? null).sort()).toEqual([null, 'second-device']);
      await d2.leave();
      await d1.leave();
      await a.leave();

      // Another meeting: Dave comes with a third device only. Alice knew him with two others.
      const second = await startedMeeting(world.server, alice!, [dave!], true);
      const laptop = await anotherDevice(dave!);
      const later: NewDevice[] = [];
      const a2 = await alice!.client.join(second);
      a2.on('newDevice', (d) => later.push(d));
      const d3 = await laptop.join(second);
      await until([a2, d3], sameEpoch([a2, d3], 2), 15_000, 'Dave’s laptop in');
      await until([a2], () => later.length === 1, 5_000, 'the event');
      expect(later[0]).toMatchObject({
        userId: dave!.userId,
        deviceId: laptop.device.identity.deviceId,
        note: 'new-device',
      });
      expect(a2.roster.find((m) => m.userId === dave!.userId)?.deviceNote).toBe('new-device');
    } finally {
      for (const c of clients.splice(0)) c.close();
    }
  });
});

describe('namesakes', () => {
  it('are told apart by their email in the roster (E2EE and standard)', async () => {
    const [alice, dave1, dave2] = await world.people('alice', 'Dave', 'DAVE');
    for (const e2ee of [true, false]) {
      const id = await startedMeeting(world.server, alice!, [dave1!, dave2!], e2ee);
      const meetings = [
        await alice!.client.join(id),
        await dave1!.client.join(id),
        await dave2!.client.join(id),
      ];
      await until(meetings, () => meetings.every((m) => m.roster.length === 3), 15_000, 'all in');
      const roster = meetings[0]!.roster;
      const labels = roster.map((m) => m.label);
      const daves = roster.filter((m) => m.userId !== alice!.userId);
      expect(new Set(daves.map((m) => m.label)).size).toBe(2);
      for (const m of daves) {
        expect(m.email).toMatch(/@example\.org$/);
        expect(m.label).toContain(m.email!);
      }
      // Alice's name is hers alone: no mark.
      expect(labels).toContain('alice');
      for (const m of meetings) await m.leave();
    }
  });
});
