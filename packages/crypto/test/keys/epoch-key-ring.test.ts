import { describe, expect, it } from 'vitest';
import { EpochKeyRing, MediaContext, parseKid, sframeKid } from '../../src/keys/index.ts';
import {
  decodeHeader,
  SFrameError,
  SFrameSender,
  type ProtectResult,
  type SFrameCryptoBackend,
} from '../../src/sframe/index.ts';
import { setNextCounterForTesting } from '../../src/sframe/sender.ts';
import { BACKENDS } from '../sframe/helpers.ts';
import { mutate, prng } from '../sframe/mutate.ts';
import { recordingBackend } from '../sframe/recording-backend.ts';

const key = (n: number): Uint8Array => new Uint8Array(16).fill(n);
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const meta = text('envelope');

function frameOf(r: ProtectResult): Uint8Array {
  if (r.kind !== 'ok') throw new Error(`refused: ${r.reason}`);
  return r.frame;
}
const ctrOf = (r: ProtectResult): bigint => (r.kind === 'ok' ? r.ctr : -1n);
function kidOf(frame: Uint8Array): bigint {
  const header = decodeHeader(frame);
  if (header.kind !== 'ok') throw new Error('header does not parse');
  return header.kid;
}

class Clock {
  t = 1_000_000;
  now = (): number => this.t;
}

describe.each(BACKENDS)('EpochKeyRing on the $name back end', ({ make }) => {
  const backend = make();

  async function members(
    count: number,
    epoch: bigint,
    baseKey: Uint8Array,
    clock = new Clock(),
    b: SFrameCryptoBackend = backend,
  ) {
    const rings: EpochKeyRing[] = [];
    for (let leaf = 0; leaf < count; leaf++) {
      const ring = new EpochKeyRing({ backend: b, now: clock.now });
      await ring.setEpoch(epoch, baseKey, leaf);
      rings.push(ring);
    }
    return { rings, clock };
  }

  it('members of an epoch decrypt each other; the KID names context, sender and epoch', async () => {
    const { rings } = await members(3, 5n, key(1));
    const [a, b, c] = rings as [EpochKeyRing, EpochKeyRing, EpochKeyRing];
    const frame = frameOf(await a.protect(MediaContext.camera, text('from a'), meta));
    expect(kidOf(frame)).toBe(sframeKid(MediaContext.camera, 0, 5n));
    for (const receiver of [b, c]) {
      const got = await receiver.unprotect(frame, meta);
      expect(got.kind).toBe('ok');
      if (got.kind === 'ok') {
        expect(new TextDecoder().decode(got.plaintext)).toBe('from a');
        expect(got).toMatchObject({ senderLeafIndex: 0, context: MediaContext.camera, epoch: 5n });
      }
    }
    const back = frameOf(await c.protect(MediaContext.audio, text('from c'), meta));
    expect((await a.unprotect(back, meta)).kind).toBe('ok');
    // A key is for sending or receiving, never both.
    expect(await a.unprotect(frame, meta)).toEqual({ kind: 'drop', reason: 'own_kid' });
  });

  it('counts per context from 0 and refuses before any epoch', async () => {
    const ring = new EpochKeyRing({ backend });
    expect(await ring.protect(MediaContext.audio, text('x'), meta)).toEqual({
      kind: 'refused',
      reason: 'no_epoch',
    });
    await ring.setEpoch(1n, key(1), 4);
    expect(ctrOf(await ring.protect(MediaContext.audio, text('x'), meta))).toBe(0n);
    expect(ctrOf(await ring.protect(MediaContext.audio, text('x'), meta))).toBe(1n);
    expect(ctrOf(await ring.protect(MediaContext.screen, text('x'), meta))).toBe(0n);
    const concurrent = await Promise.all(
      Array.from({ length: 20 }, () => ring.protect(MediaContext.camera, text('x'), meta)),
    );
    expect(concurrent.map(ctrOf).sort((x, y) => Number(x - y))).toEqual(
      Array.from({ length: 20 }, (_, i) => BigInt(i)),
    );
    await expect(ring.protect(7, text('x'), meta)).rejects.toThrow(SFrameError);
  });

  it('switches senders at once and keeps the old epoch for receivers within retention only', async () => {
    const { rings, clock } = await members(2, 1n, key(1));
    const [a, b] = rings as [EpochKeyRing, EpochKeyRing];
    const old = frameOf(await a.protect(MediaContext.audio, text('epoch 1'), meta));
    const old2 = frameOf(await a.protect(MediaContext.audio, text('epoch 1 late'), meta));

    await a.setEpoch(2n, key(2), 0);
    const fresh = frameOf(await a.protect(MediaContext.audio, text('epoch 2'), meta));
    expect(parseKid(kidOf(fresh)).epochBits).toBe(2);
    // b has not processed the commit yet.
    expect(await b.unprotect(fresh, meta)).toEqual({ kind: 'drop', reason: 'unknown_epoch' });

    await b.setEpoch(2n, key(2), 1);
    expect((await b.unprotect(fresh, meta)).kind).toBe('ok');
    clock.t += 9_999;
    expect((await b.unprotect(old, meta)).kind).toBe('ok');
    clock.t += 1;
    expect(await b.unprotect(old2, meta)).toEqual({ kind: 'drop', reason: 'unknown_epoch' });
    expect(b.epochs).toEqual([2n]);
    expect(b.drops.unknown_epoch).toBe(2);
  });

  it('later: the new epoch decrypts at once, senders stay on the old one until sendUnder', async () => {
    const { rings, clock } = await members(2, 1n, key(1));
    const [a, b] = rings as [EpochKeyRing, EpochKeyRing];
    await a.setEpoch(2n, key(2), 0, 'later');
    await b.setEpoch(2n, key(2), 1, 'later');
    expect([a.currentEpoch, a.newestEpoch]).toEqual([1n, 2n]);
    const stillOld = frameOf(await a.protect(MediaContext.audio, text('epoch 1'), meta));
    expect(parseKid(kidOf(stillOld)).epochBits).toBe(1);
    expect((await b.unprotect(stillOld, meta)).kind).toBe('ok');

    // b moved first (its bound passed): a, still sending under epoch 1, decrypts epoch 2 already.
    await b.sendUnder(2n);
    const early = frameOf(await b.protect(MediaContext.audio, text('epoch 2'), meta));
    expect(await a.unprotect(early, meta)).toMatchObject({ kind: 'ok', epoch: 2n });

    // An epoch's retention starts when this ring's senders leave it, not when the next was set.
    const lateOld = frameOf(await a.protect(MediaContext.audio, text('epoch 1 later'), meta));
    clock.t += 9_999;
    expect((await b.unprotect(lateOld, meta)).kind).toBe('ok');
    clock.t += 60_000;
    expect(b.epochs).toEqual([2n]);
    expect(a.epochs).toEqual([2n, 1n]);
    await a.sendUnder(2n);
    expect(a.currentEpoch).toBe(2n);
    clock.t += 10_000;
    expect(a.epochs).toEqual([2n]);
  });

  it('later with no epoch yet, a replaced current epoch, or now: senders switch at once', async () => {
    const ring = new EpochKeyRing({ backend });
    await ring.setEpoch(4n, key(4), 0, 'later');
    expect(ring.currentEpoch).toBe(4n);
    await ring.setEpoch(5n, key(5), 0, 'later');
    await ring.setEpoch(6n, key(6), 0, 'later');
    expect([ring.currentEpoch, ring.newestEpoch]).toEqual([4n, 6n]);
    // Moving to 6 passes over 5; asking for 5 afterwards changes nothing.
    await ring.sendUnder(6n);
    await ring.sendUnder(5n);
    expect(ring.currentEpoch).toBe(6n);
    await ring.setEpoch(7n, key(7), 0, 'now');
    expect(ring.currentEpoch).toBe(7n);
    // An epoch never set cannot be sent under.
    await ring.sendUnder(9n);
    expect(ring.currentEpoch).toBe(7n);
    // The current epoch replaced (same epoch, another key) is replaced for senders too.
    await ring.setEpoch(7n, key(17), 0, 'later');
    const frame = frameOf(await ring.protect(MediaContext.audio, text('x'), meta));
    const other = new EpochKeyRing({ backend });
    await other.setEpoch(7n, key(17), 1);
    expect((await other.unprotect(frame, meta)).kind).toBe('ok');
    await expect(ring.setEpoch(6n, key(26), 0, 'later')).rejects.toThrow(/forward/);
  });

  it('prune() forgets expired epochs without waiting for a frame', async () => {
    const clock = new Clock();
    const ring = new EpochKeyRing({ backend, now: clock.now, retentionMs: 500 });
    await ring.setEpoch(1n, key(1), 0);
    await ring.setEpoch(2n, key(2), 0);
    await ring.setEpoch(3n, key(3), 0);
    expect(ring.epochs).toEqual([3n, 2n, 1n]);
    clock.t += 500;
    ring.prune();
    expect(ring.epochs).toEqual([3n]);
  });

  it('drops an older epoch whose low E bits the new epoch reuses, at once', async () => {
    const { rings } = await members(2, 1n, key(1));
    const [a, b] = rings as [EpochKeyRing, EpochKeyRing];
    const before = frameOf(await a.protect(MediaContext.audio, text('epoch 1'), meta));
    expect(ctrOf(await a.protect(MediaContext.audio, text('epoch 1'), meta))).toBe(1n);
    await b.setEpoch(257n, key(9), 1);
    // Same KID as epoch 1, but epoch 1 is gone even though its retention has not run out.
    expect(await b.unprotect(before, meta)).toEqual({ kind: 'drop', reason: 'auth_failed' });
    expect(b.epochs).toEqual([257n]);
    await a.setEpoch(257n, key(9), 0);
    // A fresh key for the same KID: its counter starts again at 0.
    const after = await a.protect(MediaContext.audio, text('epoch 257'), meta);
    expect(ctrOf(after)).toBe(0n);
    const got = await b.unprotect(frameOf(after), meta);
    expect(got.kind === 'ok' && got.epoch).toBe(257n);
  });

  it('setting the same epoch and key again changes nothing; another key is a fresh start', async () => {
    const { rings } = await members(2, 3n, key(1));
    const [a, b] = rings as [EpochKeyRing, EpochKeyRing];
    const first = frameOf(await a.protect(MediaContext.audio, text('1'), meta));
    expect((await b.unprotect(first, meta)).kind).toBe('ok');
    await a.setEpoch(3n, key(1), 0);
    await b.setEpoch(3n, key(1), 1);
    expect(ctrOf(await a.protect(MediaContext.audio, text('2'), meta))).toBe(1n);
    expect(await b.unprotect(first, meta)).toEqual({ kind: 'drop', reason: 'replay' });

    await a.setEpoch(3n, key(2), 0);
    expect(ctrOf(await a.protect(MediaContext.audio, text('3'), meta))).toBe(0n);
  });

  it('refuses an epoch older than the current one, and applies queued calls in order', async () => {
    const ring = new EpochKeyRing({ backend });
    await ring.setEpoch(5n, key(5), 0);
    await expect(ring.setEpoch(4n, key(4), 0)).rejects.toMatchObject({ code: 'epoch_regressed' });
    await Promise.all([ring.setEpoch(6n, key(6), 0), ring.setEpoch(7n, key(7), 0)]);
    expect(ring.currentEpoch).toBe(7n);
    await expect(ring.setEpoch(8n, new Uint8Array(32), 0)).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    await expect(ring.setEpoch(8n, key(8), 70_000)).rejects.toMatchObject({
      code: 'invalid_argument',
    });
  });

  it('drops wrong KIDs, tampered, replayed and foreign-suite frames with a reason, and counts them', async () => {
    const { rings } = await members(2, 1n, key(1));
    const [a, b] = rings as [EpochKeyRing, EpochKeyRing];
    const frame = frameOf(await a.protect(MediaContext.audio, text('x'), meta));
    expect((await b.unprotect(frame, meta)).kind).toBe('ok');
    expect(await b.unprotect(frame, meta)).toEqual({ kind: 'drop', reason: 'replay' });

    const tampered = frameOf(await a.protect(MediaContext.audio, text('y'), meta));
    tampered[tampered.length - 3]! ^= 0x40;
    expect(await b.unprotect(tampered, meta)).toEqual({ kind: 'drop', reason: 'auth_failed' });

    // A KID outside the profile (context 9) and one for an epoch nobody announced.
    const outsider = new SFrameSender({ backend, suite: 0x0004 });
    await outsider.setKey(sframeKid(9, 0, 1n), key(1));
    await outsider.setKey(sframeKid(0, 0, 77n), key(1));
    expect(
      await b.unprotect(
        frameOf(await outsider.protect(sframeKid(9, 0, 1n), text('z'), meta)),
        meta,
      ),
    ).toEqual({ kind: 'drop', reason: 'unknown_kid' });
    expect(
      await b.unprotect(
        frameOf(await outsider.protect(sframeKid(0, 0, 77n), text('z'), meta)),
        meta,
      ),
    ).toEqual({ kind: 'drop', reason: 'unknown_epoch' });

    // The right KID and base key under another suite (0x0001): it does not authenticate.
    const otherSuite = new SFrameSender({ backend, suite: 0x0001 });
    await otherSuite.setKey(sframeKid(0, 0, 1n), key(1));
    setNextCounterForTesting(otherSuite, sframeKid(0, 0, 1n), 100n); // a CTR the window has not seen
    const foreign = frameOf(
      await otherSuite.protect(sframeKid(0, 0, 1n), text('a longer frame'), meta),
    );
    expect(await b.unprotect(foreign, meta)).toEqual({ kind: 'drop', reason: 'auth_failed' });

    expect(await b.unprotect(new Uint8Array([0x88]), meta)).toEqual({
      kind: 'drop',
      reason: 'malformed_header',
    });
    expect(b.drops).toMatchObject({
      replay: 1,
      auth_failed: 2,
      unknown_kid: 1,
      unknown_epoch: 1,
      malformed_header: 1,
      own_kid: 0,
    });
    // None of it disturbed the keys: the next genuine frame plays.
    expect(
      (await b.unprotect(frameOf(await a.protect(MediaContext.audio, text('ok'), meta)), meta))
        .kind,
    ).toBe('ok');
  });

  it('close() is idempotent and leaves nothing usable', async () => {
    const { rings } = await members(2, 1n, key(1));
    const [a, b] = rings as [EpochKeyRing, EpochKeyRing];
    const frame = frameOf(await a.protect(MediaContext.audio, text('x'), meta));
    b.close();
    b.close();
    expect(await b.unprotect(frame, meta)).toEqual({ kind: 'drop', reason: 'closed' });
    expect(await b.protect(MediaContext.audio, text('x'), meta)).toEqual({
      kind: 'refused',
      reason: 'closed',
    });
    await expect(b.setEpoch(2n, key(2), 1)).rejects.toMatchObject({ code: 'closed' });
    expect(b.epochs).toEqual([]);
  });
});

describe('EpochKeyRing nonce discipline', () => {
  it('never seals two frames with the same (key, nonce) across epochs, re-sets and wraps', async () => {
    const rec = recordingBackend(BACKENDS[0]!.make());
    const ring = new EpochKeyRing({ backend: rec.backend, now: () => 0 });
    const send = async (): Promise<void> => {
      for (let i = 0; i < 2_000; i++) {
        for (const context of [MediaContext.audio, MediaContext.camera])
          frameOf(await ring.protect(context, text('f'), meta));
      }
    };
    const steps: Array<[bigint, number]> = [
      [1n, 1],
      [1n, 1], // re-announced: same key, counters continue
      [2n, 2],
      [257n, 3], // wraps onto epoch 1's KIDs with a fresh key
    ];
    for (const [epoch, fill] of steps) {
      await ring.setEpoch(epoch, key(fill), 7);
      await send();
    }
    // Epoch 258 would wrap onto epoch 2's KIDs; with epoch 2's base key that is epoch 2's AEAD
    // keys, and fresh counters would repeat nonces. MLS cannot produce it; the ring refuses it.
    await expect(ring.setEpoch(258n, key(2), 7)).rejects.toMatchObject({ code: 'key_reused' });
    // Same for going back to a key the current epoch replaced.
    await ring.setEpoch(257n, key(4), 7);
    await send();
    await expect(ring.setEpoch(257n, key(3), 7)).rejects.toMatchObject({ code: 'key_reused' });
    await send();
    expect(rec.seals()).toBe(6 * 4_000);
    expect(rec.reusedPairs()).toBe(0);
  });
});

describe('EpochKeyRing robustness', () => {
  it('20,000 mutated frames: only typed drops, counted, and genuine frames still play', async () => {
    const backend = BACKENDS[0]!.make();
    const a = new EpochKeyRing({ backend });
    const b = new EpochKeyRing({ backend });
    await a.setEpoch(9n, key(9), 0);
    await b.setEpoch(9n, key(9), 1);
    const frames: Uint8Array[] = [];
    for (let i = 0; i < 32; i++)
      frames.push(frameOf(await a.protect(i % 3, text(`frame ${i}`), meta)));
    const rand = prng(42);
    let oks = 0;
    for (let i = 0; i < 20_000; i++) {
      const { bytes, meta: m } = mutate(frames[rand(frames.length)]!, rand, meta);
      if ((await b.unprotect(bytes, m)).kind === 'ok') oks++;
    }
    expect(oks).toBe(0);
    expect(Object.values(b.drops).reduce((x, y) => x + y, 0)).toBe(20_000);
    for (const frame of frames) expect((await b.unprotect(frame, meta)).kind).toBe('ok');
  });
});
