// The frame protector seam (JoinOptions.frameProtector): a custom protector is what the meeting
// uses for every frame; it receives each epoch's base key, which the SDK wipes once handed over.
import { nodeCryptoBackend } from '@conclave/crypto/member';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  inProcessFrameProtector,
  type FrameProtector,
  type FrameProtectorFactory,
  type Meeting,
  type ReceivedFrame,
} from '../src/index.ts';
import { FakeServer } from './support/fake-server.ts';
import { joinAll, person, type Person, sendingUnderEpoch, until } from './support/people.ts';

interface KeyHandOver {
  readonly epoch: bigint;
  readonly ownLeafIndex: number;
  /** The caller's array, kept to see what the SDK does with it afterwards. */
  readonly given: Uint8Array;
  /** What it held when handed over. */
  readonly copy: Uint8Array;
}

/** Records every call, then does what the default does. */
class RecordingProtector implements FrameProtector {
  readonly handOvers: KeyHandOver[] = [];
  protects = 0;
  unprotects = 0;
  readonly #inner: FrameProtector;

  constructor(inner: FrameProtector) {
    this.#inner = inner;
  }
  get currentEpoch(): bigint | undefined {
    return this.#inner.currentEpoch;
  }
  get newestEpoch(): bigint | undefined {
    return this.#inner.newestEpoch;
  }
  setEpoch(
    epoch: bigint,
    baseKey: Uint8Array,
    ownLeafIndex: number,
    sending?: 'now' | 'later',
  ): Promise<void> {
    this.handOvers.push({ epoch, ownLeafIndex, given: baseKey, copy: baseKey.slice() });
    return this.#inner.setEpoch(epoch, baseKey, ownLeafIndex, sending);
  }
  sendUnder(epoch: bigint): Promise<void> {
    return this.#inner.sendUnder(epoch);
  }
  protect(context: number, plaintext: Uint8Array, metadata: Uint8Array) {
    this.protects++;
    return this.#inner.protect(context, plaintext, metadata);
  }
  unprotect(frame: Uint8Array, metadata: Uint8Array) {
    this.unprotects++;
    return this.#inner.unprotect(frame, metadata);
  }
  prune(): void {
    this.#inner.prune();
  }
  close(): void {
    this.#inner.close();
  }
}

function recording(): { factory: FrameProtectorFactory; made: RecordingProtector[] } {
  const made: RecordingProtector[] = [];
  const inner = inProcessFrameProtector(nodeCryptoBackend());
  const factory: FrameProtectorFactory = (options) => {
    const protector = new RecordingProtector(inner(options));
    made.push(protector);
    return protector;
  };
  return { factory, made };
}

const allZero = (bytes: Uint8Array) => bytes.every((b) => b === 0);

let server: FakeServer;
const cleanup: (() => void)[] = [];
beforeEach(async () => {
  server = await FakeServer.create();
});
afterEach(() => {
  for (const c of cleanup.splice(0)) c();
  server.close();
});

async function people(...names: string[]): Promise<Person[]> {
  const out = await Promise.all(names.map((n) => person(server, n)));
  for (const p of out) cleanup.push(() => p.client.close());
  return out;
}

function framesOf(meeting: Meeting): ReceivedFrame[] {
  const frames: ReceivedFrame[] = [];
  meeting.on('frame', (f) => frames.push(f));
  return frames;
}

describe('a custom frame protector', () => {
  it('gets every MLS epoch key (then wiped by the SDK) and protects every frame', async () => {
    const meetingId = server.createMeeting({ e2ee: true });
    const [alice, bob] = await people('alice', 'bob');
    const atAlice = recording();
    const atBob = recording();
    const [a] = await joinAll([alice!], meetingId, { frameProtector: atAlice.factory });
    const [b] = await joinAll([bob!], meetingId, { frameProtector: atBob.factory });
    const meetings = [a!, b!];
    await until(meetings, () => meetings.every((m) => m.epoch === 1n), 10_000, 'epoch 1');
    await sendingUnderEpoch(meetings);

    const aliceRing = atAlice.made.at(-1)!;
    const bobRing = atBob.made.at(-1)!;
    // Alice founded the group (epoch 0) and added Bob (epoch 1); Bob joined at epoch 1.
    expect(aliceRing.handOvers.map((h) => h.epoch)).toEqual([0n, 1n]);
    expect(bobRing.handOvers.map((h) => h.epoch)).toEqual([1n]);
    expect(aliceRing.handOvers.map((h) => h.ownLeafIndex)).toEqual([0, 0]);
    expect(bobRing.handOvers[0]!.ownLeafIndex).toBe(1);
    const aliceAt1 = aliceRing.handOvers[1]!;
    const bobAt1 = bobRing.handOvers[0]!;
    // A real 16-byte key, the same for both members of epoch 1, wiped in the SDK's hands.
    expect(aliceAt1.copy.length).toBe(16);
    expect(allZero(aliceAt1.copy)).toBe(false);
    expect([...bobAt1.copy]).toEqual([...aliceAt1.copy]);
    expect([...aliceRing.handOvers[0]!.copy]).not.toEqual([...aliceAt1.copy]);
    for (const h of [...aliceRing.handOvers, ...bobRing.handOvers])
      expect(allZero(h.given)).toBe(true);
    expect(aliceRing.currentEpoch).toBe(1n);

    const atB = framesOf(b!);
    expect((await a!.publish('audio', Uint8Array.of(1, 2, 3))).kind).toBe('sent');
    expect((await a!.publish('camera', Uint8Array.of(7), { keyFrame: true })).kind).toBe('sent');
    await until(meetings, () => atB.length === 2);
    expect(atB.map((f) => [...f.data])).toEqual([[1, 2, 3], [7]]);
    expect(aliceRing.protects).toBe(2);
    expect(bobRing.unprotects).toBe(2);
    expect(b!.stats().frames.decrypted).toBe(2);
  });

  it('gets the server-held key of a standard meeting, wiped by the SDK', async () => {
    const meetingId = server.createMeeting({ e2ee: false });
    const [carol] = await people('carol');
    const atCarol = recording();
    const [c] = await joinAll([carol!], meetingId, { frameProtector: atCarol.factory });
    const handOvers = atCarol.made.flatMap((p) => p.handOvers);
    expect(handOvers.length).toBeGreaterThan(0);
    expect(handOvers.at(-1)!.epoch).toBe(c!.epoch);
    expect(allZero(handOvers.at(-1)!.copy)).toBe(false);
    for (const h of handOvers) expect(allZero(h.given)).toBe(true);
  });
});
