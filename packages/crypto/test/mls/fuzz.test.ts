// Invariant 8: every byte entry point of the MLS layer answers garbage with a typed error (MlsError
// with a stable code) or a typed result, never another exception or a hang. Inputs are random
// bytes, every prefix of real messages and single-bit flips of them (seeded, so failures replay).
import { beforeAll, describe, expect, it } from 'vitest';
import {
  commitPending,
  decodeState,
  encryptApplicationMessage,
  generateKeyPackage,
  importDevice,
  joinFromWelcome,
  openState,
  receiveMessage,
  MlsError,
  type MeetingState,
} from '../../src/member.ts';
import {
  decodeExternalSenderInfo,
  importExternalSender,
  inspectKeyPackage,
  parseIdentity,
  parseServerIdentity,
  readMessageHeader,
  readWelcomeRecipients,
} from '../../src/server.ts';
import { addMembers, deliver, startMeeting, World, type Participant } from './world.ts';

function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

function* garbage(
  real: readonly Uint8Array[],
  seed: number,
  randomCount: number,
  flipCount: number,
): Generator<Uint8Array> {
  const next = rng(seed);
  for (let i = 0; i < randomCount; i++) {
    const out = new Uint8Array(Math.floor(next() * 300));
    for (let j = 0; j < out.length; j++) out[j] = Math.floor(next() * 256);
    // Half of them start like an MLS 1.0 message so the parsers go deeper.
    if (i % 2 === 0 && out.length >= 4) out.set([0, 1, 0, 1 + (i % 5)]);
    yield out;
  }
  for (const bytes of real) {
    for (let n = 0; n < bytes.length; n++) yield bytes.subarray(0, n);
    for (let i = 0; i < flipCount; i++) {
      const out = bytes.slice();
      const bit = Math.floor(next() * out.length * 8);
      out[bit >> 3]! ^= 1 << (bit & 7);
      yield out;
    }
  }
}

/** Runs `fn`; anything thrown must be an MlsError with a code. Returns the result or the error. */
async function typed<T>(fn: () => T | Promise<T>): Promise<T | MlsError> {
  try {
    return await fn();
  } catch (error) {
    expect(error).toBeInstanceOf(MlsError);
    expect(typeof (error as MlsError).code).toBe('string');
    expect((error as MlsError).message).not.toMatch(/user-|device-|acme/);
    return error as MlsError;
  }
}

let world: World;
let alice: Participant;
let bob: Participant;
let proposal: Uint8Array;
let commit: Uint8Array;
let welcome: Uint8Array;
let chat: Uint8Array;
let keyPackage: Uint8Array;
let joiner: Participant;
let joinerPrivate: Uint8Array;
let aliceBefore: MeetingState;

beforeAll(async () => {
  world = await World.create();
  alice = await world.participant('alice');
  bob = await world.participant('bob');
  joiner = await world.participant('joiner');
  await startMeeting(world, alice);
  await addMembers(world, [alice], alice, [bob]);
  const bundle = await generateKeyPackage(world.crypto, joiner.device);
  keyPackage = bundle.publicBytes;
  joinerPrivate = bundle.privateBytes;
  proposal = await world.proposeAdd(alice.state!, keyPackage);
  await deliver([alice], proposal);
  const result = await commitPending(alice.ctx, alice.state!);
  if (result.kind !== 'commit') throw new Error('expected a commit');
  commit = result.commit;
  welcome = result.welcome!;
  const sent = await encryptApplicationMessage(
    alice.ctx,
    result.state,
    new TextEncoder().encode('hi'),
  );
  chat = sent.message;
  aliceBefore = alice.state!;
});

describe('byte entry points under garbage', () => {
  it('readMessageHeader', async () => {
    let count = 0;
    for (const bytes of garbage([proposal, commit, welcome, keyPackage, chat], 1, 5000, 2000)) {
      const r = await typed(() => readMessageHeader(bytes));
      if (r instanceof MlsError) expect(r.code).toBe('malformed');
      count++;
    }
    expect(count).toBeGreaterThan(15_000);
  });

  it('readWelcomeRecipients', async () => {
    for (const bytes of garbage([welcome], 7, 3000, 1000)) {
      const r = await typed(() => readWelcomeRecipients(bytes));
      if (r instanceof MlsError) expect(['malformed', 'unsupported_suite']).toContain(r.code);
    }
  });

  it('inspectKeyPackage: no mutated KeyPackage passes', async () => {
    for (const bytes of garbage([keyPackage], 2, 1000, 400)) {
      const r = await typed(() => inspectKeyPackage(world.crypto, bytes));
      expect(r).toBeInstanceOf(MlsError);
    }
    await expect(inspectKeyPackage(world.crypto, keyPackage)).resolves.toMatchObject({
      identity: joiner.device.identity,
    });
  });

  it('receiveMessage: garbage never changes the state, and the genuine commit still applies after', async () => {
    const kinds = new Set<string>();
    for (const bytes of garbage([commit, proposal, chat], 3, 1000, 250)) {
      const r = await typed(() => receiveMessage(bob.ctx, bob.state!, bytes));
      if (r instanceof MlsError) {
        kinds.add(r.code);
        continue;
      }
      kinds.add(r.kind);
      if (r.kind !== 'proposal_pending') expect(r.state).toBe(bob.state);
    }
    expect(kinds.has('malformed')).toBe(true);
    const genuine = await receiveMessage(bob.ctx, bob.state!, proposal);
    expect(genuine.kind).toBe('proposal_pending');
    const applied = await receiveMessage(bob.ctx, genuine.state, commit);
    expect(applied.kind).toBe('commit_applied');
    expect(alice.state).toBe(aliceBefore);
  });

  it('joinFromWelcome: no mutated Welcome joins', async () => {
    for (const bytes of garbage([welcome], 4, 500, 300)) {
      const r = await typed(() => joinFromWelcome(joiner.ctx, bytes, joiner.device, joinerPrivate));
      if (!(r instanceof MlsError)) expect(r.kind).not.toBe('joined');
    }
    for (const bytes of garbage([joinerPrivate], 5, 200, 200)) {
      await typed(() => joinFromWelcome(joiner.ctx, welcome, joiner.device, bytes));
    }
    const genuine = await joinFromWelcome(joiner.ctx, welcome, joiner.device, joinerPrivate);
    expect(genuine.kind).toBe('joined');
  });

  it('stored-state and key-pair decoders', async () => {
    const key = new Uint8Array(32);
    for (const bytes of garbage([], 6, 2000, 0)) {
      await typed(() => decodeState(world.crypto, bytes));
      await typed(() => openState(world.crypto, bytes, key));
      await typed(() => importDevice(world.crypto, bytes));
      await typed(() => importExternalSender(world.crypto, bytes));
      await typed(() => decodeExternalSenderInfo(bytes));
      await typed(() => parseIdentity(bytes));
      await typed(() => parseServerIdentity(bytes));
    }
  });
});
