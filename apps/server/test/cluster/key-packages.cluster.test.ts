// KeyPackages are single-use across the cluster: one used to join a meeting hosted on one node is
// refused by a meeting hosted on another. Two nodes in this process on one PostgreSQL schema and
// Debian's nats-server; MLS participants from the realtime tests' harness.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NatsServer } from '../../../../test/support/nats-server.ts';
import { startServer, type RunningServer } from '../../src/index.ts';
import { fastPasswords, postgresDatabase, requirePgUrl } from '../support/databases.ts';
import {
  signInAs,
  startedMeeting,
  testRealtime,
  toWs,
  type DemoPerson,
  type SignedIn,
} from '../realtime/support/deployment.ts';
import { converged, TestParticipant } from '../realtime/support/mls-client.ts';

const db = postgresDatabase(requirePgUrl());
const secretKey = Buffer.alloc(32, 9).toString('base64');
let nats: NatsServer;
const nodes: RunningServer[] = [];
const people = {} as Record<DemoPerson, SignedIn>;

beforeAll(async () => {
  nats = await NatsServer.start();
  for (const nodeId of ['node-a', 'node-b']) {
    nodes.push(
      await startServer({
        port: 0,
        ...db.location,
        demo: nodeId === 'node-a',
        passwordCost: fastPasswords,
        secretKey,
        log: () => undefined,
        webRoot: false,
        realtime: testRealtime,
        cluster: { natsUrl: nats.url, nodeId },
      }),
    );
  }
  for (const signIn of nodes[0]!.demoSignIns ?? []) {
    const person = signIn.email.split('@')[0] as DemoPerson;
    people[person] = await signInAs(nodes[0]!.url, person, signIn.password);
  }
}, 60_000);

afterAll(async () => {
  for (const node of nodes) await node.close();
  await nats?.close();
  await db.drop();
});

describe('KeyPackages across nodes', () => {
  it('refuses on one node a KeyPackage already used on another', async () => {
    const [a, b] = nodes.map((node) => toWs(node.url));
    const onA = await startedMeeting(people.dave, { e2ee: true, subject: 'hosted on A' });
    const onB = await startedMeeting(people.dave, { e2ee: true, subject: 'hosted on B' });
    // dave opens one meeting through each node: each node hosts the one it saw first.
    const daveA = await TestParticipant.create(people.dave);
    await daveA.connect(a!);
    expect((await daveA.join(onA)).type).toBe('joined');
    const daveB = await TestParticipant.create(people.dave);
    await daveB.connect(b!);
    expect((await daveB.join(onB)).type).toBe('joined');

    const bob = await TestParticipant.create(people.bob);
    await bob.connect(a!);
    expect((await bob.join(onA)).type).toBe('joined');
    await converged([daveA, bob], 1n);
    const used = bob.keyPackage?.publicBytes;
    if (used === undefined) throw new Error('no KeyPackage');
    bob.leave();
    await bob.socket.waitFor('removed');

    await bob.connect(b!);
    expect(await bob.join(onB, { keyPackage: used })).toMatchObject({
      type: 'error',
      code: 'key_package_reused',
    });
    // A fresh one is welcome.
    expect((await bob.join(onB)).type).toBe('joined');
  });
});
