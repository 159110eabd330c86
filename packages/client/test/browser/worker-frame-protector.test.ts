// The page side of the SFrame worker (WorkerFrameProtector), against the real handler in this
// process: real frames round-trip, a forged frame resolves to a typed drop (never a rejection),
// the page keeps no key, frames are counted, and close() is idempotent and settles what waits.
import { MediaContext, SFrameError } from '@conclave/crypto/member';
import { describe, expect, it } from 'vitest';
import { WorkerFrameProtector, workerFrameProtectors } from '../../src/browser.ts';
import { InProcessWorker } from './in-process-worker.ts';

const metadata = new Uint8Array([1, 2, 3, 4]);
const baseKey = () => new Uint8Array(16).fill(0x42);
const options = { retentionMs: 10_000, now: () => 0 };

/** Two members' protectors, sharing one counter, each over its own in-process worker. */
async function pair() {
  const workers: InProcessWorker[] = [];
  const protectors = workerFrameProtectors(() => {
    const w = new InProcessWorker();
    workers.push(w);
    return w;
  });
  const alice = protectors.factory(options);
  const bob = protectors.factory(options);
  await alice.setEpoch(1n, baseKey(), 0);
  await bob.setEpoch(1n, baseKey(), 1);
  return { alice, bob, protectors, workers: workers as [InProcessWorker, InProcessWorker] };
}

async function sealed(protector: { protect: WorkerFrameProtector['protect'] }, bytes: number[]) {
  const result = await protector.protect(MediaContext.audio, new Uint8Array(bytes), metadata);
  if (result.kind !== 'ok') throw new Error(`not protected: ${result.reason}`);
  return result.frame;
}

describe('WorkerFrameProtector', () => {
  it('round-trips real SFrame frames through two workers and counts them', async () => {
    const { alice, bob, protectors } = await pair();
    expect(protectors.stats()).toEqual({ protected: 0, decrypted: 0 });

    const frame = await sealed(alice, [10, 20, 30]);
    const opened = await bob.unprotect(frame, metadata);
    expect(opened.kind).toBe('ok');
    if (opened.kind === 'ok') {
      expect([...opened.plaintext]).toEqual([10, 20, 30]);
      expect(opened.senderLeafIndex).toBe(0);
    }
    expect(protectors.stats()).toEqual({ protected: 1, decrypted: 1 });
    expect(alice.currentEpoch).toBe(1n);
  });

  it('resolves a forged frame to a drop with its reason, and does not count it', async () => {
    const { alice, bob, protectors } = await pair();
    const frame = await sealed(alice, [1, 1, 1, 1]);
    const forged = frame.slice();
    forged[forged.length - 2]! ^= 0x80;

    await expect(bob.unprotect(forged, metadata)).resolves.toMatchObject({
      kind: 'drop',
      reason: 'auth_failed',
    });
    // The same frame with other metadata does not authenticate either (metadata is AAD).
    await expect(bob.unprotect(frame, new Uint8Array([9]))).resolves.toMatchObject({
      kind: 'drop',
      reason: 'auth_failed',
    });
    expect(protectors.stats()).toEqual({ protected: 1, decrypted: 0 });
  });

  it('hands the key over in a transferred copy: the caller’s array is untouched, the worker wipes its own', async () => {
    const worker = new InProcessWorker();
    const protector = new WorkerFrameProtector(worker, 1000);
    const key = baseKey();
    await protector.setEpoch(1n, key, 0);
    expect([...key]).toEqual([...baseKey()]);
    const sent = worker.received.find((r) => r.type === 'setEpoch');
    expect(sent?.type === 'setEpoch' && new Uint8Array(sent.baseKey).every((b) => b === 0)).toBe(
      true,
    );
  });

  it('rejects a refused epoch with a typed SFrameError', async () => {
    const protector = new WorkerFrameProtector(new InProcessWorker(), 1000);
    const error = await protector.setEpoch(1n, new Uint8Array(3), 0).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SFrameError);
    expect((error as SFrameError).code).toBe('invalid_argument');
    expect(protector.currentEpoch).toBeUndefined();

    await protector.setEpoch(4n, baseKey(), 0);
    await expect(protector.setEpoch(2n, baseKey(), 0)).rejects.toMatchObject({
      code: 'epoch_regressed',
    });
    expect(protector.currentEpoch).toBe(4n);
  });

  it('close() is idempotent, stops the worker once and settles calls still waiting', async () => {
    const { alice, bob, workers } = await pair();
    const frame = await sealed(alice, [5]);
    const waitingProtect = alice.protect(MediaContext.audio, new Uint8Array([1]), metadata);
    const waitingUnprotect = bob.unprotect(frame, metadata);
    alice.close();
    alice.close();
    bob.close();

    await expect(waitingProtect).resolves.toEqual({ kind: 'refused', reason: 'closed' });
    await expect(waitingUnprotect).resolves.toEqual({ kind: 'drop', reason: 'closed' });
    expect(workers[0].terminated).toBe(1);
    expect(workers[0].received.at(-1)).toEqual({ type: 'close' });
    expect(alice.currentEpoch).toBeUndefined();
    await expect(alice.protect(MediaContext.audio, new Uint8Array([1]), metadata)).resolves.toEqual(
      { kind: 'refused', reason: 'closed' },
    );
    await expect(alice.setEpoch(2n, baseKey(), 0)).rejects.toMatchObject({ code: 'closed' });
  });

  it('a worker that fails closes its protector', async () => {
    const { alice, bob, workers } = await pair();
    const frame = await sealed(alice, [5]);
    workers[1].fail();
    await expect(bob.unprotect(frame, metadata)).resolves.toEqual({
      kind: 'drop',
      reason: 'closed',
    });
    expect(workers[1].terminated).toBe(1);
  });
});
