import { describe, expect, it } from 'vitest';
import {
  DROP_REASONS,
  nodeCryptoBackend,
  SFrameReceiver,
  SFrameSender,
  type CipherSuiteId,
  type DropReason,
  type SFrameCryptoBackend,
} from '../../src/sframe/index.ts';
import { BACKENDS } from './helpers.ts';
import { mutate, prng } from './mutate.ts';
import { recordingBackend } from './recording-backend.ts';

const KID = 0x1_2345n;
const metadata = new TextEncoder().encode('envelope');

async function genuineFrames(
  backend: SFrameCryptoBackend,
  suite: CipherSuiteId,
  count: number,
): Promise<Uint8Array[]> {
  const sender = new SFrameSender({ backend, suite });
  await sender.setKey(KID, new Uint8Array(16).fill(7));
  const frames: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const r = await sender.protect(
      KID,
      Uint8Array.from({ length: 1 + (i % 40) }, (_, j) => (i * 31 + j) & 0xff),
      metadata,
    );
    if (r.kind !== 'ok') throw new Error('protect refused');
    frames.push(r.frame);
  }
  return frames;
}

async function fuzz(
  backend: SFrameCryptoBackend,
  suite: CipherSuiteId,
  rounds: number,
  seed: number,
) {
  const receiver = new SFrameReceiver({ backend, suite });
  await receiver.setKey(KID, new Uint8Array(16).fill(7));
  const frames = await genuineFrames(backend, suite, 64);
  const rand = prng(seed);
  const reasons = new Map<DropReason, number>();
  let oks = 0;
  for (let i = 0; i < rounds; i++) {
    const { bytes, meta } = mutate(frames[rand(frames.length)]!, rand, metadata);
    const result = await receiver.unprotect(bytes, meta);
    if (result.kind === 'ok') oks++;
    else reasons.set(result.reason, (reasons.get(result.reason) ?? 0) + 1);
  }
  // Key and replay state untouched: every genuine frame still plays once, then is a replay.
  const after: string[] = [];
  for (const frame of frames) after.push((await receiver.unprotect(frame, metadata)).kind);
  const replays: string[] = [];
  for (const frame of frames) {
    const r = await receiver.unprotect(frame, metadata);
    replays.push(r.kind === 'drop' ? r.reason : r.kind);
  }
  return { oks, reasons, after, replays };
}

describe('robustness: random and mutated frames', () => {
  it('100,000 frames on the node back end give only typed drops and leave key state intact', async () => {
    const { oks, reasons, after, replays } = await fuzz(
      nodeCryptoBackend(),
      0x0004,
      100_000,
      0xc0ffee,
    );
    expect(oks).toBe(0);
    expect([...reasons.values()].reduce((a, b) => a + b, 0)).toBe(100_000);
    for (const reason of reasons.keys()) expect(DROP_REASONS).toContain(reason);
    // The mutations reach every stage of the receive path.
    for (const reason of ['malformed_header', 'too_short', 'unknown_kid', 'auth_failed'] as const) {
      expect(reasons.get(reason) ?? 0).toBeGreaterThan(100);
    }
    expect(after.every((k) => k === 'ok')).toBe(true);
    expect(replays.every((k) => k === 'replay')).toBe(true);
  });

  it.each(BACKENDS.map((b) => [b.name, b.make] as const))(
    '5,000 frames per suite on the %s back end: same guarantees under every suite',
    async (_name, make) => {
      for (const suite of [0x0001, 0x0002, 0x0004, 0x0005] as const) {
        const { oks, after, replays } = await fuzz(make(), suite, 5_000, suite * 7919);
        expect(oks).toBe(0);
        expect(after.every((k) => k === 'ok')).toBe(true);
        expect(replays.every((k) => k === 'replay')).toBe(true);
      }
    },
  );
});

describe('nonce uniqueness', () => {
  it('1,000,000 frames through the real counter and nonce path never repeat a (key, nonce) pair', async () => {
    const rec = recordingBackend(nodeCryptoBackend(), { encrypt: false });
    const sender = new SFrameSender({ backend: rec.backend, suite: 0x0004 });
    const base = new Uint8Array(16).fill(3);
    const kids = [0n, 1n, 0x100n, 0x1_0000n];
    for (const kid of kids) await sender.setKey(kid, base);
    const tiny = new Uint8Array(1);
    const empty = new Uint8Array(0);
    const perKid = 250_000;
    for (const kid of kids) {
      for (let i = 0; i < perKid; i++) {
        // Setting the same key again mid-stream must not restart the counter.
        if (i === perKid / 2) await sender.setKey(kid, base);
        const r = await sender.protect(kid, tiny, empty);
        if (r.kind !== 'ok' || r.ctr !== BigInt(i))
          throw new Error(`frame ${i} got ${r.kind === 'ok' ? r.ctr : r.reason}`);
      }
    }
    expect(rec.seals()).toBe(1_000_000);
    expect(rec.keys()).toBe(kids.length);
    expect(rec.reusedPairs()).toBe(0);
  }, 120_000);
});
