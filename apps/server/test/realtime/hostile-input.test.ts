// Every byte entry point of the signaling socket answers garbage with a typed error, never a crash
// or a hang: the socket stays up (until too much abuse closes it) and the server keeps serving.
// KeyPackages are verified and single use; one naming another user is refused.
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
/* eslint-disable-next-line no-restricted-imports -- the test forges a KeyPackage as a client would */
import { generateKeyPackage } from '@conclave/crypto/member';
import { startDeployment, startedMeeting, type DemoPerson } from './support/deployment.ts';
import { deploymentForFile } from './support/file-deployment.ts';
import { converged, TestParticipant } from './support/mls-client.ts';
import { SignalingSocket } from './support/socket.ts';

const world = deploymentForFile({
  maxBadMessages: 400,
  messageBurst: 2_000,
  messagesPerSecond: 2_000,
});
const participant = (person: DemoPerson) => world.participant(person);
let meetingId: string;
let dave: TestParticipant;
let alice: TestParticipant;

beforeAll(async () => {
  meetingId = await startedMeeting(world.people.dave, { e2ee: true });
  dave = await participant('dave');
  await dave.join(meetingId);
  alice = await participant('alice');
  await alice.join(meetingId);
  await converged([dave, alice], 1n);
});

/** Resolves once nothing new has arrived on `socket` for 300 ms. */
/**
 * Waits for at least `atLeast` answers after `from` (on a loaded machine they may take a while to
 * start), then until no more come: answers are counted, not timed.
 */
async function answersSettle(
  socket: SignalingSocket,
  from: number,
  atLeast: number,
): Promise<void> {
  await socket.until(() => socket.received.length - from >= atLeast, 30_000, `${atLeast} answers`);
  let seen = -1;
  while (socket.received.length !== seen) {
    seen = socket.received.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

async function stillServes(socket: SignalingSocket): Promise<void> {
  const nonce = Math.floor(Math.random() * 1e9);
  socket.send({ type: 'ping', nonce });
  await socket.waitFor('pong', (m) => m.nonce === nonce);
}

const garbage: unknown[] = [
  null,
  true,
  -1,
  1e308,
  'x'.repeat(5000),
  '!!not base64!!',
  'AAA',
  [],
  {},
  { nested: { deep: [1, 2, 3] } },
  '99999999999999999999999',
];

describe('KeyPackages', () => {
  it('refuses a KeyPackage used before', async () => {
    const bob = await participant('bob');
    const first = await bob.join(meetingId);
    expect(first.type).toBe('joined');
    await converged([dave, alice, bob], 2n);
    const used = bob.keyPackage?.publicBytes;
    if (used === undefined) throw new Error('no KeyPackage');
    bob.leave();
    await bob.socket.waitFor('removed');
    expect(await bob.join(meetingId, { keyPackage: used })).toMatchObject({
      type: 'error',
      code: 'key_package_reused',
    });
    await converged([dave, alice], 3n);
  });

  it('refuses a KeyPackage whose credential names another user, or a key not in the directory', async () => {
    const bob = await participant('bob');
    // Signed with bob's own device key, but claiming to be alice's device.
    const forged = await generateKeyPackage(bob.crypto, {
      ...bob.device,
      identity: alice.device.identity,
    });
    expect(await bob.join(meetingId, { keyPackage: forged.publicBytes })).toMatchObject({
      type: 'error',
      code: 'key_package_identity',
    });
    // bob's identity, but a key the directory does not have for his device.
    const other = await TestParticipant.create(world.people.bob);
    const wrongKey = await generateKeyPackage(bob.crypto, {
      ...other.device,
      identity: bob.device.identity,
    });
    expect(await bob.join(meetingId, { keyPackage: wrongKey.publicBytes })).toMatchObject({
      type: 'error',
      code: 'key_package_identity',
    });
    expect(await bob.join(meetingId, { keyPackage: randomBytes(300) })).toMatchObject({
      type: 'error',
      code: 'key_package_invalid',
    });
    // Nothing was proposed for any of them.
    expect(
      dave.socket.all('proposal').filter((p) => p.participantId === bob.participantId),
    ).toEqual([]);
  });
});

describe('garbage on the signaling socket', () => {
  it('answers non-JSON and unknown shapes with typed errors and keeps the socket', async () => {
    const socket = await SignalingSocket.open(world.wsUrl);
    socket.sendRaw('not json {');
    expect(await socket.waitFor('error')).toMatchObject({ code: 'bad_json' });
    socket.send({ type: 'join', meetingId });
    expect(await socket.waitFor('error', (m) => m.code !== 'bad_json')).toMatchObject({
      code: 'hello_required',
    });
    socket.sendRaw(Buffer.from([0xc1, 0, 0]));
    await socket.waitFor('error', (m) => m.code === 'not_joined');
    await stillServes(socket);
    socket.close();
  });

  it('refuses a NUL character or a lone surrogate in any string of a message as bad_message', async () => {
    const carol = await participant('carol');
    const from = carol.socket.received.length;
    const messages = [
      { type: 'join', meetingId: `${meetingId}\u0000` },
      { type: 'join', meetingId: `${meetingId}\ud800` },
      { type: 'chat', meetingId, text: 'hi\u0000' },
      { type: 'proposal-rejected', meetingId, proposalId: 'p', reason: '\udc00' },
      { type: 'ping', nonce: 1, ['x\u0000']: 1 },
    ];
    for (const message of messages) carol.socket.send(message);
    await answersSettle(carol.socket, from, messages.length);
    const answers = carol.socket.received.slice(from);
    expect(answers.map((answer) => answer.type === 'error' && answer.code)).toEqual(
      messages.map(() => 'bad_message'),
    );
    await stillServes(carol.socket);
    carol.socket.close();
  });

  it('answers garbage in every field of every message with a typed error; the meeting goes on', async () => {
    const bob = await participant('bob');
    expect((await bob.join(meetingId)).type).toBe('joined');
    await converged([dave, alice, bob], 1n);
    const epoch = String(bob.epoch);
    const valid: Record<string, Record<string, unknown>> = {
      hello: {
        type: 'hello',
        token: 'x'.repeat(20),
        deviceId: 'd',
        client: { platform: 'linux', version: '1', e2eeMedia: true },
      },
      join: { type: 'join', meetingId, keyPackage: 'AAAA', resumeEpoch: '1' },
      'group-created': { type: 'group-created', meetingId, groupId: 'AAAA' },
      commit: {
        type: 'commit',
        meetingId,
        epoch,
        commit: 'AAAA',
        welcome: 'AAAA',
        proposals: ['p'],
        added: [{ participantId: 'x', leafIndex: 1 }],
      },
      'epoch-reached': { type: 'epoch-reached', meetingId, epoch, leafIndex: 7 },
      'proposal-rejected': {
        type: 'proposal-rejected',
        meetingId,
        proposalId: 'nope',
        reason: 'x',
      },
      'app-message': { type: 'app-message', meetingId, epoch, message: 'AAAA' },
      chat: { type: 'chat', meetingId, text: 'hi' },
      'media-state': {
        type: 'media-state',
        meetingId,
        state: { microphone: true, camera: false, screen: false },
      },
      ping: { type: 'ping', nonce: 1 },
    };
    let sent = 0;
    const before = bob.socket.received.length;
    for (const message of Object.values(valid)) {
      for (const field of Object.keys(message)) {
        for (const value of garbage) {
          bob.socket.send({ ...message, [field]: value });
          sent++;
        }
      }
    }
    // Some variants are still valid messages (a string where any string goes) and need no answer:
    // wait until the answers stop coming, then check every one of them.
    await answersSettle(bob.socket, before, Math.floor(sent / 2) + 1);
    const answers = bob.socket.received.slice(before);
    expect(answers.length).toBeGreaterThan(sent / 2);
    const errors = bob.socket.all('error');
    const typed = [
      'bad_message',
      'bad_json',
      'bad_commit',
      'bad_mls_message',
      'not_allowed',
      'not_joined',
      'already_joined',
    ];
    for (const answer of answers) {
      if (answer.type === 'error') expect(typed).toContain(answer.code);
      // A valid epoch-reached among the variants completes the epoch: the server confirms it.
      else expect(['pong', 'epoch-confirmed']).toContain(answer.type);
    }
    for (const e of errors) expect(e.message).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
    expect(bob.socket.open).toBe(true);
    await stillServes(bob.socket);

    // Well-formed messages with hostile contents: refused, and nothing about the group changes.
    bob.socket.send({
      type: 'commit',
      meetingId,
      epoch,
      commit: randomBytes(64).toString('base64'),
      proposals: [],
      added: [],
    });
    expect(
      await bob.socket.waitFor('error', (m) => m.code === 'bad_commit', {
        from: bob.socket.received.length,
      }),
    ).toBeDefined();
    bob.socket.send({
      type: 'commit',
      meetingId,
      epoch: '99',
      commit: 'AAAA',
      proposals: [],
      added: [],
    });
    expect(await bob.socket.waitFor('commit-rejected')).toMatchObject({
      reason: 'future-epoch',
      currentEpoch: epoch,
    });
    bob.socket.send({
      type: 'commit',
      meetingId,
      epoch: '0',
      commit: 'AAAA',
      proposals: [],
      added: [],
    });
    expect(await bob.socket.waitFor('commit-rejected', (m) => m.epoch === '0')).toMatchObject({
      reason: 'stale-epoch',
    });
    bob.sendFrame(1);
    bob.socket.sendRaw(randomBytes(100));
    await stillServes(bob.socket);

    // The group is intact: a new member still gets in and everyone agrees.
    const admin = await participant('admin');
    await admin.join(meetingId);
    const settled = await converged([dave, alice, bob, admin], BigInt(epoch) + 1n);
    expect(new Set([dave, alice, bob, admin].map((p) => p.securityCode)).size).toBe(1);
    expect(settled).toBeGreaterThan(BigInt(epoch));
  });
});

describe('authentication and limits', () => {
  it('closes a socket whose token is not a session, or whose device is not the user’s', async () => {
    const stranger = await SignalingSocket.open(world.wsUrl);
    stranger.send({
      type: 'hello',
      token: 'A'.repeat(43),
      deviceId: dave.deviceId,
      client: { platform: 'linux', version: '1.0.0', e2eeMedia: true },
    });
    expect(await stranger.waitFor('error')).toMatchObject({ code: 'unauthenticated' });
    expect(await stranger.closed()).toBe(4401);

    const borrowed = await SignalingSocket.open(world.wsUrl);
    borrowed.send({
      type: 'hello',
      token: world.people.bob.token,
      deviceId: dave.deviceId,
      client: { platform: 'linux', version: '1.0.0', e2eeMedia: true },
    });
    expect(await borrowed.waitFor('error')).toMatchObject({ code: 'unknown_device' });
    expect(await borrowed.closed()).toBe(4403);
  });

  it('authenticates a browser by its session cookie', async () => {
    const device = await TestParticipant.create(world.people.alice);
    const socket = await SignalingSocket.open(world.wsUrl, {
      cookie: `conclave_session=${world.people.alice.token}`,
    });
    socket.send({
      type: 'hello',
      deviceId: device.deviceId,
      client: { platform: 'web', version: '1.0.0', e2eeMedia: true },
    });
    expect(await socket.waitFor('ready')).toMatchObject({ userId: world.people.alice.userId });
    socket.close();
  });

  it('closes a socket that keeps sending bad messages, and one that sends a message past the size limit', async () => {
    const small = await startDeployment({ maxBadMessages: 5, maxMessageBytes: 64 * 1024 });
    try {
      const abuser = await SignalingSocket.open(small.wsUrl);
      for (let i = 0; i < 10; i++) abuser.sendRaw('{');
      expect(await abuser.closed()).toBe(4400);
      const big = await SignalingSocket.open(small.wsUrl);
      big.sendRaw('x'.repeat(100 * 1024));
      expect(await big.closed()).toBe(1009);
      const fine = await SignalingSocket.open(small.wsUrl);
      await stillServes(fine);
      fine.close();
    } finally {
      await small.close();
    }
  });
});
