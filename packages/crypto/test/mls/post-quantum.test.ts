// A post-quantum meeting: the X-Wing hybrid suite (0x0053) end to end — a group of three, its
// Welcome, the exporter every member agrees on, SFrame 0x0005 under the exported key — and the
// refusals that keep a meeting from running on a suite it did not require.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createMlsCrypto,
  EpochKeyRing,
  exportSFrameBaseKey,
  generateKeyPackage,
  joinFromWelcome,
  MediaContext,
  MlsError,
  nodeCryptoBackend,
  readMessageHeader,
  readWelcomeRecipients,
  securityCode,
  syncKeyRing,
  inspectKeyPackage,
  type MeetingState,
} from '../../src/member.ts';
import { unwrap } from '../../src/mls/member/state.ts';
import { decodeHeader } from '../../src/sframe/index.ts';
import { addMembers, startMeeting, World, type Participant } from './world.ts';

let world: World;
let alice: Participant;
let bob: Participant;
let carol: Participant;
const s = (p: Participant): MeetingState => p.state!;
const meta = new TextEncoder().encode('envelope');

beforeAll(async () => {
  world = await World.create(undefined, 'post-quantum');
  alice = await world.participant('alice');
  bob = await world.participant('bob');
  carol = await world.participant('carol');
  await startMeeting(world, alice);
  await addMembers(world, [alice], alice, [bob, carol]);
});

describe('a post-quantum meeting (MLS_256_XWING_AES256GCM_SHA512_Ed25519)', () => {
  it('runs on the X-Wing suite with the noble provider, and its KeyPackages carry X-Wing keys', async () => {
    expect(world.crypto.provider).toBe('noble');
    expect(world.crypto.suite).toMatchObject({ kind: 'post-quantum', id: 0x0053 });
    expect(unwrap(s(alice)).groupContext.cipherSuite).toBe(
      'MLS_256_XWING_AES256GCM_SHA512_Ed25519',
    );
    const bundle = await generateKeyPackage(world.crypto, bob.device);
    expect(readMessageHeader(bundle.publicBytes)).toEqual({
      wireFormat: 'key_package',
      cipherSuite: 0x0053,
    });
    const info = await inspectKeyPackage(world.crypto, bundle.publicBytes);
    expect(info.cipherSuite).toBe(0x0053);
  });

  it('gives a group of three the same epoch, security code and 32-byte SFrame base key', async () => {
    const all = [alice, bob, carol];
    expect(new Set(all.map((p) => securityCode(s(p)))).size).toBe(1);
    const keys = await Promise.all(all.map((p) => exportSFrameBaseKey(s(p))));
    expect(keys[0]).toHaveLength(32);
    for (const k of keys) expect(k).toEqual(keys[0]);
  });

  it('protects media with SFrame AES_256_GCM_SHA512_128 (0x0005) under the MLS-exported key', async () => {
    const backend = nodeCryptoBackend();
    const rings = [alice, bob].map(() => new EpochKeyRing({ backend, cipherSuite: 0x0005 }));
    await syncKeyRing(rings[0]!, s(alice));
    await syncKeyRing(rings[1]!, s(bob));
    const sent = await rings[0]!.protect(MediaContext.audio, new Uint8Array([1, 2, 3]), meta);
    if (sent.kind !== 'ok') throw new Error(sent.reason);
    expect(decodeHeader(sent.frame).kind).toBe('ok');
    // AES-256-GCM's 16-byte tag on a 3-byte payload.
    expect(sent.frame.length).toBeGreaterThanOrEqual(3 + 16);
    const got = await rings[1]!.unprotect(sent.frame, meta);
    expect(got.kind).toBe('ok');
    if (got.kind === 'ok') expect([...got.plaintext]).toEqual([1, 2, 3]);
    // A classic (0x0004) ring does not read it: the meeting's SFrame suite is not negotiable.
    const classic = new EpochKeyRing({ backend });
    await expect(syncKeyRing(classic, s(bob))).rejects.toThrow();
  });

  it('refuses an SFrame suite a meeting never uses', () => {
    expect(
      () => new EpochKeyRing({ backend: nodeCryptoBackend(), cipherSuite: 0x0001 as never }),
    ).toThrow(/does not use SFrame suite/);
  });
});

describe('no silent downgrade between suites', () => {
  it('a classic member refuses a post-quantum Welcome, and a post-quantum one a classic Welcome', async () => {
    const classic = await World.create();
    const dave = await classic.participant('dave');
    const erin = await classic.participant('erin');
    await startMeeting(classic, dave);
    // A PQ welcome handed to a classic member's context.
    const pqJoiner = await world.participant('frank');
    const bundle = await world.keyPackage(pqJoiner);
    const group = s(alice);
    const proposal = await world.proposeAdd(group, bundle.publicBytes);
    const { receiveMessage, commitPending } = await import('../../src/member.ts');
    const pending = await receiveMessage(alice.ctx, group, proposal);
    const commit = await commitPending(alice.ctx, pending.state);
    if (commit.kind !== 'commit' || commit.welcome === undefined) throw new Error('no Welcome');
    expect(readWelcomeRecipients(commit.welcome).cipherSuite).toBe(0x0053);
    const classicCtx = { ...pqJoiner.ctx, crypto: classic.crypto };
    await expect(
      joinFromWelcome(classicCtx, commit.welcome, pqJoiner.device, bundle.privateBytes),
    ).rejects.toMatchObject({ code: 'unsupported_suite' });

    // A classic Welcome handed to a post-quantum member's context.
    const erinBundle = await classic.keyPackage(erin);
    const p2 = await classic.proposeAdd(s(dave), erinBundle.publicBytes);
    const d2 = await receiveMessage(dave.ctx, s(dave), p2);
    const c2 = await commitPending(dave.ctx, d2.state);
    if (c2.kind !== 'commit' || c2.welcome === undefined) throw new Error('no Welcome');
    const pqCtx = { ...erin.ctx, crypto: world.crypto };
    await expect(
      joinFromWelcome(pqCtx, c2.welcome, erin.device, erinBundle.privateBytes),
    ).rejects.toMatchObject({ code: 'unsupported_suite' });
  });

  it('refuses a classic KeyPackage where the meeting requires post-quantum, and the reverse', async () => {
    const classic = await createMlsCrypto();
    const classicKp = await generateKeyPackage(classic, bob.device);
    await expect(inspectKeyPackage(world.crypto, classicKp.publicBytes)).rejects.toThrow(MlsError);
    const pqKp = await generateKeyPackage(world.crypto, bob.device);
    await expect(inspectKeyPackage(classic, pqKp.publicBytes)).rejects.toMatchObject({
      code: 'unsupported_suite',
    });
  });

  it('will not run the post-quantum suite on the node provider (it is classic-only): a typed error', async () => {
    await expect(
      createMlsCrypto({ provider: 'node', meetingSuite: 'post-quantum' }),
    ).rejects.toMatchObject({ code: 'unsupported_suite' });
  });
});
