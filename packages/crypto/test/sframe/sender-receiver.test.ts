import { describe, expect, it } from 'vitest';
import {
  CIPHER_SUITES,
  decodeHeader,
  MAX_UINT64,
  SFrameError,
  SFrameReceiver,
  SFrameSender,
  type CipherSuiteId,
  type UnprotectResult,
} from '../../src/sframe/index.ts';
import { setNextCounterForTesting } from '../../src/sframe/sender.ts';
import { BACKENDS, hex } from './helpers.ts';

const baseKey = (fill: number, length = 16): Uint8Array => new Uint8Array(length).fill(fill);
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const meta = text('stream=7;kind=audio');

function frameOf(result: Awaited<ReturnType<SFrameSender['protect']>>): Uint8Array {
  if (result.kind !== 'ok') throw new Error(`protect refused: ${result.reason}`);
  return result.frame;
}

function ctrOf(result: Awaited<ReturnType<SFrameSender['protect']>>): bigint {
  return result.kind === 'ok' ? result.ctr : -1n;
}

function plaintextOf(result: UnprotectResult): string {
  if (result.kind !== 'ok') return `drop:${result.reason}`;
  return new TextDecoder().decode(result.plaintext);
}

describe.each(BACKENDS)('SFrameSender and SFrameReceiver on the $name back end', ({ make }) => {
  const backend = make();

  async function pair(suite: CipherSuiteId = 0x0004, kid = 9n, key = baseKey(1)) {
    const sender = new SFrameSender({ backend, suite });
    const receiver = new SFrameReceiver({ backend, suite });
    await sender.setKey(kid, key);
    await receiver.setKey(kid, key);
    return { sender, receiver, kid };
  }

  it.each(CIPHER_SUITES.map((s) => [s]))('round-trips under suite %i', async (suite) => {
    const { sender, receiver, kid } = await pair(suite, 300n);
    for (const body of ['', 'x', 'hello frame'.repeat(200)]) {
      const frame = frameOf(await sender.protect(kid, text(body), meta));
      expect(plaintextOf(await receiver.unprotect(frame, meta))).toBe(body);
    }
  });

  it('numbers frames 0, 1, 2… per KID, in the header', async () => {
    const sender = new SFrameSender({ backend, suite: 0x0004 });
    await sender.setKey(1n, baseKey(1));
    await sender.setKey(2n, baseKey(2));
    const ctrs = async (kid: bigint): Promise<bigint[]> => {
      const out: bigint[] = [];
      for (let i = 0; i < 3; i++) {
        const h = decodeHeader(frameOf(await sender.protect(kid, text('a'), meta)));
        if (h.kind === 'ok') out.push(h.ctr);
      }
      return out;
    };
    expect(await ctrs(1n)).toEqual([0n, 1n, 2n]);
    expect(await ctrs(2n)).toEqual([0n, 1n, 2n]);
    expect(await ctrs(1n)).toEqual([3n, 4n, 5n]);
  });

  it('gives concurrent protect calls distinct counters', async () => {
    const { sender, kid } = await pair();
    const results = await Promise.all(
      Array.from({ length: 50 }, () => sender.protect(kid, text('a'), meta)),
    );
    const ctrs = results.map(ctrOf);
    expect(new Set(ctrs).size).toBe(50);
  });

  it('keeps the counter when the same key is set again, restarts it only for a fresh key', async () => {
    const { sender, kid } = await pair();
    const next = async (): Promise<bigint> => ctrOf(await sender.protect(kid, text('a'), meta));
    expect(await next()).toBe(0n);
    await sender.setKey(kid, baseKey(1));
    expect(await next()).toBe(1n);
    expect(await next()).toBe(2n);
    await sender.setKey(kid, baseKey(2));
    expect(await next()).toBe(0n);
  });

  it('uses 2^64 - 1 as the last counter, then refuses rather than wrapping', async () => {
    const { sender, receiver, kid } = await pair();
    setNextCounterForTesting(sender, kid, MAX_UINT64 - 1n);
    const a = await sender.protect(kid, text('a'), meta);
    const b = await sender.protect(kid, text('b'), meta);
    expect(ctrOf(a)).toBe(MAX_UINT64 - 1n);
    expect(ctrOf(b)).toBe(MAX_UINT64);
    expect(await sender.protect(kid, text('c'), meta)).toEqual({
      kind: 'refused',
      reason: 'counter_exhausted',
    });
    expect(await sender.protect(kid, text('c'), meta)).toEqual({
      kind: 'refused',
      reason: 'counter_exhausted',
    });
    expect(plaintextOf(await receiver.unprotect(frameOf(b), meta))).toBe('b');
  });

  it('refuses an unknown KID and anything after close', async () => {
    const { sender, kid } = await pair();
    expect(await sender.protect(kid + 1n, text('a'), meta)).toEqual({
      kind: 'refused',
      reason: 'unknown_kid',
    });
    sender.removeKey(kid);
    expect(await sender.protect(kid, text('a'), meta)).toEqual({
      kind: 'refused',
      reason: 'unknown_kid',
    });
    sender.close();
    sender.close();
    expect(await sender.protect(kid, text('a'), meta)).toEqual({
      kind: 'refused',
      reason: 'closed',
    });
    await expect(sender.setKey(kid, baseKey(1))).rejects.toThrow(SFrameError);
  });

  it('drops duplicates and frames older than the window; accepts reordering inside it', async () => {
    const sender = new SFrameSender({ backend, suite: 0x0004 });
    const receiver = new SFrameReceiver({ backend, suite: 0x0004, replayWindow: 32 });
    await sender.setKey(5n, baseKey(3));
    await receiver.setKey(5n, baseKey(3));
    const frames: Uint8Array[] = [];
    for (let i = 0; i < 40; i++)
      frames.push(frameOf(await sender.protect(5n, text(`f${i}`), meta)));
    const at = (i: number): Uint8Array => frames[i] ?? new Uint8Array();
    expect(plaintextOf(await receiver.unprotect(at(2), meta))).toBe('f2');
    expect(plaintextOf(await receiver.unprotect(at(0), meta))).toBe('f0');
    expect(plaintextOf(await receiver.unprotect(at(0), meta))).toBe('drop:replay');
    expect(plaintextOf(await receiver.unprotect(at(39), meta))).toBe('f39');
    expect(plaintextOf(await receiver.unprotect(at(7), meta))).toBe('drop:too_old');
    expect(plaintextOf(await receiver.unprotect(at(8), meta))).toBe('f8');
    expect(plaintextOf(await receiver.unprotect(at(39), meta))).toBe('drop:replay');
  });

  it('accepts one of two concurrent copies of a frame', async () => {
    const { sender, receiver, kid } = await pair();
    const frame = frameOf(await sender.protect(kid, text('once'), meta));
    const results = await Promise.all([
      receiver.unprotect(frame, meta),
      receiver.unprotect(frame, meta),
    ]);
    expect(results.map(plaintextOf).sort()).toEqual(['drop:replay', 'once']);
  });

  it('a failed frame changes no replay state: the genuine frame with the same CTR still plays', async () => {
    const { sender, receiver, kid } = await pair();
    const frame = frameOf(await sender.protect(kid, text('genuine'), meta));
    const forged = frame.slice();
    forged[forged.length - 1] = (forged[forged.length - 1] ?? 0) ^ 0x01;
    expect(plaintextOf(await receiver.unprotect(forged, meta))).toBe('drop:auth_failed');
    // A forged frame far ahead must not slide the window either.
    const ahead = frameOf(
      await (async () => {
        const s = new SFrameSender({ backend, suite: 0x0004 });
        await s.setKey(kid, baseKey(99));
        setNextCounterForTesting(s, kid, 1_000_000n);
        return s.protect(kid, text('x'), meta);
      })(),
    );
    expect(plaintextOf(await receiver.unprotect(ahead, meta))).toBe('drop:auth_failed');
    expect(plaintextOf(await receiver.unprotect(frame, meta))).toBe('genuine');
  });

  it('drops with a reason: unknown KID, too short, wrong metadata, wrong key', async () => {
    const { sender, receiver, kid } = await pair();
    const frame = frameOf(await sender.protect(kid, text('x'), meta));
    const other = new SFrameSender({ backend, suite: 0x0004 });
    await other.setKey(kid + 1n, baseKey(1));
    expect(
      plaintextOf(
        await receiver.unprotect(frameOf(await other.protect(kid + 1n, text('x'), meta)), meta),
      ),
    ).toBe('drop:unknown_kid');
    expect(plaintextOf(await receiver.unprotect(frame.subarray(0, 10), meta))).toBe(
      'drop:too_short',
    );
    expect(plaintextOf(await receiver.unprotect(frame, text('stream=8')))).toBe('drop:auth_failed');
    const wrongKey = new SFrameReceiver({ backend, suite: 0x0004 });
    await wrongKey.setKey(kid, baseKey(2));
    expect(plaintextOf(await wrongKey.unprotect(frame, meta))).toBe('drop:auth_failed');
  });

  it('a frame under another suite does not play: auth fails, or the suite is refused outright', async () => {
    const sender = new SFrameSender({ backend, suite: 0x0001 });
    await sender.setKey(4n, baseKey(1));
    const frame = frameOf(await sender.protect(4n, text('ctr-hmac'), meta));
    const meeting = new SFrameReceiver({ backend, suite: 0x0004 });
    await meeting.setKey(4n, baseKey(1));
    expect(plaintextOf(await meeting.unprotect(frame, meta))).toBe('drop:auth_failed');
    const strict = new SFrameReceiver({ backend, suite: 0x0004, allowedSuites: [0x0004] });
    await strict.setKey(4n, baseKey(1), { suite: 0x0001 });
    expect(plaintextOf(await strict.unprotect(frame, meta))).toBe('drop:suite_not_allowed');
    const lenient = new SFrameReceiver({ backend, suite: 0x0004, allowedSuites: [0x0001, 0x0004] });
    await lenient.setKey(4n, baseKey(1), { suite: 0x0001 });
    expect(plaintextOf(await lenient.unprotect(frame, meta))).toBe('ctr-hmac');
  });

  it('re-setting the same receive key keeps the window; a fresh key resets it', async () => {
    const { sender, receiver, kid } = await pair();
    const frame = frameOf(await sender.protect(kid, text('x'), meta));
    expect(plaintextOf(await receiver.unprotect(frame, meta))).toBe('x');
    await receiver.setKey(kid, baseKey(1));
    expect(plaintextOf(await receiver.unprotect(frame, meta))).toBe('drop:replay');
    await receiver.setKey(kid, baseKey(2));
    expect(plaintextOf(await receiver.unprotect(frame, meta))).toBe('drop:auth_failed');
  });

  it('after removeKey or close, frames drop', async () => {
    const { sender, receiver, kid } = await pair();
    const a = frameOf(await sender.protect(kid, text('a'), meta));
    const b = frameOf(await sender.protect(kid, text('b'), meta));
    receiver.removeKey(kid);
    expect(plaintextOf(await receiver.unprotect(a, meta))).toBe('drop:unknown_kid');
    receiver.close();
    receiver.close();
    expect(plaintextOf(await receiver.unprotect(b, meta))).toBe('drop:closed');
  });

  it('nonces differ per frame and per KID under one base key', async () => {
    const sender = new SFrameSender({ backend, suite: 0x0004 });
    await sender.setKey(1n, baseKey(1));
    await sender.setKey(2n, baseKey(1));
    const f1 = frameOf(await sender.protect(1n, text('same'), meta));
    const f2 = frameOf(await sender.protect(2n, text('same'), meta));
    // Same base key, same CTR, same plaintext: the KID alone must separate key and nonce.
    expect(hex(f1.subarray(2))).not.toBe(hex(f2.subarray(2)));
  });
});
