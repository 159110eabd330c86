// A device whose private key is a non-extractable WebCrypto key (Node's WebCrypto here; the web
// room uses Chromium's) takes every MLS role that needs signing: it creates the group, commits an
// Add with its update path and GroupInfo, and sends application messages, and the other member
// verifies all of it. No raw key is needed at any point.
import { describe, expect, it } from 'vitest';
import {
  createAuthenticator,
  createDevice,
  createHeldDevice,
  createMeetingContext,
  encryptApplicationMessage,
  holdDevice,
  InMemoryPinStore,
  receiveMessage,
} from '../../src/member.ts';
import { externalSenderInfo } from '../../src/server.ts';
import { addMembers, startMeeting, World, type Participant } from './world.ts';

async function heldParticipant(world: World, name: string): Promise<Participant> {
  const { device, privateKey } = await createHeldDevice({
    tenantId: 'acme',
    userId: `user-${name}`,
    deviceId: `device-${name}`,
  });
  expect(privateKey.extractable).toBe(false);
  world.directory.register(device.identity, device.keyPair.publicKey);
  const pins = new InMemoryPinStore();
  const ctx = createMeetingContext({
    crypto: world.crypto,
    authenticator: createAuthenticator({ directory: world.directory, pins }),
    server: externalSenderInfo(world.server),
  });
  return { name, device, ctx, pins, state: undefined };
}

describe('a device key held as a non-extractable CryptoKey', () => {
  for (const provider of ['node', 'noble'] as const) {
    it(`creates the group, commits an Add and sends messages (${provider} provider)`, async () => {
      const world = await World.create(provider);
      const alice = await heldParticipant(world, 'alice');
      const bob = await world.participant('bob');
      await startMeeting(world, alice);
      // Alice commits (update path, commit signature, GroupInfo); Bob verifies it all on join.
      await addMembers(world, [alice], alice, [bob]);
      const sent = await encryptApplicationMessage(
        alice.ctx,
        alice.state!,
        new TextEncoder().encode('hello'),
      );
      alice.state = sent.state;
      const got = await receiveMessage(bob.ctx, bob.state!, sent.message);
      expect(got.kind).toBe('application');
      if (got.kind === 'application') expect(new TextDecoder().decode(got.data)).toBe('hello');
    });
  }

  it('moves a raw key to a held one, wiping the bytes; a handle is no key anywhere else', async () => {
    const world = await World.create();
    const raw = await createDevice(world.crypto, {
      tenantId: 'acme',
      userId: 'user-carol',
      deviceId: 'device-carol',
    });
    const secret = raw.keyPair.privateKey;
    const held = await holdDevice(raw);
    expect(secret.every((b) => b === 0)).toBe(true);
    expect(held.privateKey.extractable).toBe(false);
    expect(held.device.keyPair.publicKey).toEqual(raw.keyPair.publicKey);
    // The handle signs only through this process's registry; a made-up one signs nothing.
    const forged = held.device.keyPair.privateKey.slice();
    forged[forged.length - 1]! ^= 1;
    await expect(world.crypto.impl.signature.sign(forged, new Uint8Array(1))).rejects.toMatchObject(
      { code: 'bad_key' },
    );
  });
});
