// The SFrame worker's message handling (worker-handler.ts), driven directly as the worker's
// `message` listener would: real SFrame frames between two members, a forged or foreign frame is a
// typed drop, a refused request is an error code, and no reply carries key material.
import { MediaContext, nodeCryptoBackend } from '@conclave/crypto/member';
import { describe, expect, it } from 'vitest';
import { frameWorkerHandler } from '../../src/browser/worker-handler.ts';
import type { WorkerReply, WorkerRequest } from '../../src/browser/worker-protocol.ts';

interface Posted {
  readonly reply: WorkerReply;
  readonly transfer: Transferable[];
}

/** One worker: its handler and every reply it posted. */
function worker(backend = nodeCryptoBackend()) {
  const posted: Posted[] = [];
  const handle = frameWorkerHandler({
    post: (reply, transfer) => posted.push({ reply, transfer }),
    backend,
  });
  let id = 0;
  /** Sends `request` and returns the one reply it got (requests with an id get exactly one). */
  const ask = async (request: WorkerRequest): Promise<Posted> => {
    const before = posted.length;
    await handle(request);
    expect(posted.length).toBe(before + 1);
    return posted[posted.length - 1]!;
  };
  return { handle, ask, posted, nextId: () => ++id };
}

const baseKey = (fill: number) => new Uint8Array(16).fill(fill);
const metadata = new Uint8Array([0xa1, 0xa2, 0xa3]);

/** `metadata` then `payload` in one buffer, as the page sends them. */
function joined(payload: Uint8Array): { buffer: ArrayBuffer; metadataLength: number } {
  const out = new Uint8Array(metadata.length + payload.length);
  out.set(metadata);
  out.set(payload, metadata.length);
  return { buffer: out.buffer, metadataLength: metadata.length };
}

async function member(leaf: number, key: Uint8Array, epoch = 1n, backend = nodeCryptoBackend()) {
  const w = worker(backend);
  await w.handle({ type: 'init', retentionMs: 10_000 });
  const id = w.nextId();
  const given = key.slice();
  const { reply } = await w.ask({
    type: 'setEpoch',
    id,
    epoch,
    baseKey: given.buffer,
    ownLeafIndex: leaf,
  });
  expect(reply).toEqual({ type: 'epochs', id, current: epoch, newest: epoch });
  return { ...w, given };
}

async function protect(
  w: Awaited<ReturnType<typeof member>>,
  plaintext: Uint8Array,
): Promise<Uint8Array> {
  const id = w.nextId();
  const { reply, transfer } = await w.ask({
    type: 'protect',
    id,
    context: MediaContext.camera,
    ...joined(plaintext),
  });
  if (reply.type !== 'protect' || reply.result.kind !== 'ok')
    throw new Error(`not protected: ${JSON.stringify(reply)}`);
  expect(reply.id).toBe(id);
  // The frame's buffer is handed over with the reply, not copied.
  expect(transfer).toEqual([reply.result.frame.buffer]);
  return reply.result.frame;
}

async function unprotect(
  w: Awaited<ReturnType<typeof member>>,
  frame: Uint8Array,
): Promise<Posted> {
  return w.ask({ type: 'unprotect', id: w.nextId(), ...joined(frame) });
}

describe('the SFrame worker handler', () => {
  it('protects a frame that another member’s worker decrypts, with its sender and context', async () => {
    const alice = await member(0, baseKey(7));
    const bob = await member(1, baseKey(7));
    const plaintext = new TextEncoder().encode('a camera frame');

    const frame = await protect(alice, plaintext);
    expect(frame.length).toBeGreaterThan(plaintext.length);

    const { reply, transfer } = await unprotect(bob, frame);
    if (reply.type !== 'unprotect' || reply.result.kind !== 'ok') throw new Error('not decrypted');
    expect(Uint8Array.from(reply.result.plaintext)).toEqual(plaintext);
    expect(reply.result.senderLeafIndex).toBe(0);
    expect(reply.result.context).toBe(MediaContext.camera);
    expect(reply.result.epoch).toBe(1n);
    expect(transfer).toEqual([reply.result.plaintext.buffer]);
  });

  it('works over WebCrypto, its default back end', async () => {
    const alice = await member(0, baseKey(3), 1n, undefined);
    const bob = await member(1, baseKey(3), 1n, undefined);
    const frame = await protect(alice, new Uint8Array([1, 2, 3]));
    const { reply } = await unprotect(bob, frame);
    expect(reply.type === 'unprotect' && reply.result.kind).toBe('ok');
  });

  it('wipes the base key it was given once imported, and answers setEpoch with epoch numbers only', async () => {
    const alice = await member(0, baseKey(9));
    expect(alice.given.every((b) => b === 0)).toBe(true);
    for (const { reply } of alice.posted)
      expect(Object.keys(reply).sort()).toEqual(['current', 'id', 'newest', 'type']);
  });

  it('refuses a forged frame with a typed drop, not an error', async () => {
    const alice = await member(0, baseKey(7));
    const bob = await member(1, baseKey(7));
    const frame = await protect(alice, new Uint8Array(40).fill(5));
    const forged = frame.slice();
    forged[forged.length - 1]! ^= 0x01;

    const { reply, transfer } = await unprotect(bob, forged);
    expect(reply).toMatchObject({
      type: 'unprotect',
      result: { kind: 'drop', reason: 'auth_failed' },
    });
    expect(transfer).toEqual([]);
  });

  it('drops a frame made under another key, and bytes that are no frame at all', async () => {
    const mallory = await member(0, baseKey(8));
    const bob = await member(1, baseKey(7));
    const foreign = await protect(mallory, new Uint8Array([1, 2, 3, 4]));

    expect((await unprotect(bob, foreign)).reply).toMatchObject({
      result: { kind: 'drop', reason: 'auth_failed' },
    });
    const { reply } = await unprotect(bob, new Uint8Array([0xff]));
    expect(reply.type).toBe('unprotect');
    expect(reply.type === 'unprotect' && reply.result.kind).toBe('drop');
  });

  it('answers a request before init with the error code closed', async () => {
    const w = worker();
    const { reply } = await w.ask({
      type: 'protect',
      id: 1,
      context: MediaContext.audio,
      ...joined(new Uint8Array([1])),
    });
    expect(reply).toEqual({ type: 'error', id: 1, code: 'closed' });
  });

  it('answers a bad base key and an unknown media context with invalid_argument', async () => {
    const w = worker();
    await w.handle({ type: 'init', retentionMs: 1000 });
    const short = await w.ask({
      type: 'setEpoch',
      id: 1,
      epoch: 1n,
      baseKey: new ArrayBuffer(5),
      ownLeafIndex: 0,
    });
    expect(short.reply).toEqual({ type: 'error', id: 1, code: 'invalid_argument' });

    const alice = await member(0, baseKey(7));
    const context = await alice.ask({
      type: 'protect',
      id: 99,
      context: 42,
      ...joined(new Uint8Array([1])),
    });
    expect(context.reply).toEqual({ type: 'error', id: 99, code: 'invalid_argument' });
    expect(context.transfer).toEqual([]);
  });

  it('sets an epoch for later and moves senders to it on sendUnder, answering with both epochs', async () => {
    const alice = await member(0, baseKey(7), 5n);
    const later = await alice.ask({
      type: 'setEpoch',
      id: 60,
      epoch: 6n,
      baseKey: baseKey(8).buffer,
      ownLeafIndex: 0,
      sending: 'later',
    });
    expect(later.reply).toEqual({ type: 'epochs', id: 60, current: 5n, newest: 6n });
    const moved = await alice.ask({ type: 'sendUnder', id: 61, epoch: 6n });
    expect(moved.reply).toEqual({ type: 'epochs', id: 61, current: 6n, newest: 6n });
  });

  it('refuses an epoch older than the current one with epoch_regressed', async () => {
    const alice = await member(0, baseKey(7), 5n);
    const { reply } = await alice.ask({
      type: 'setEpoch',
      id: 50,
      epoch: 4n,
      baseKey: baseKey(8).buffer,
      ownLeafIndex: 0,
    });
    expect(reply).toEqual({ type: 'error', id: 50, code: 'epoch_regressed' });
  });

  it('after close, refuses to protect and drops every frame', async () => {
    const alice = await member(0, baseKey(7));
    const bob = await member(1, baseKey(7));
    const frame = await protect(alice, new Uint8Array([1, 2, 3]));
    await alice.handle({ type: 'close' });
    await bob.handle({ type: 'close' });

    const refused = await alice.ask({
      type: 'protect',
      id: 7,
      context: MediaContext.audio,
      ...joined(new Uint8Array([1])),
    });
    expect(refused.reply).toEqual({
      type: 'protect',
      id: 7,
      result: { kind: 'refused', reason: 'closed' },
    });
    expect((await unprotect(bob, frame)).reply).toMatchObject({
      result: { kind: 'drop', reason: 'closed' },
    });
  });

  it('a second init starts a fresh key ring', async () => {
    const alice = await member(0, baseKey(7));
    await alice.handle({ type: 'init', retentionMs: 1000 });
    const { reply } = await alice.ask({
      type: 'protect',
      id: 3,
      context: MediaContext.audio,
      ...joined(new Uint8Array([1])),
    });
    expect(reply).toEqual({
      type: 'protect',
      id: 3,
      result: { kind: 'refused', reason: 'no_epoch' },
    });
  });
});
