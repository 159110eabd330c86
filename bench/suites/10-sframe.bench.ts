// SFrame protect/unprotect throughput on both back ends, each beside raw AES-128-GCM through
// node:crypto on the same frame size in the same run (encrypt for protect, decrypt for
// unprotect). The machine is shared and noisy, so every round measures all of them back to back
// in short chunks, and each figure is the median over the rounds: load that comes and goes hits
// a figure and its baseline alike.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Bench } from '../harness.ts';
import {
  nodeCryptoBackend,
  SFrameReceiver,
  SFrameSender,
  webCryptoBackend,
  type SFrameCryptoBackend,
} from '../../packages/crypto/src/sframe/index.ts';

export const name = 'sframe';

const SIZES = [100, 1_200, 10_000] as const;
const ROUNDS = 15;
const KID = 0x0105n; // what a key ring gives leaf 1, audio, epoch 5
const metadata = randomBytes(24); // about the size of the relay envelope

type Chunk = () => Promise<number>; // returns ms for `count` operations

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? 0;
}

function opsPerSecondOf(count: number, ms: number): number {
  return (count * 1000) / ms;
}

async function time(count: number, op: (i: number) => unknown): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < count; i++) await op(i);
  return performance.now() - start;
}

function rawChunks(size: number, count: number): { encrypt: Chunk; decrypt: Chunk } {
  const key = randomBytes(16);
  const nonce = randomBytes(12);
  const plaintext = randomBytes(size);
  const c = createCipheriv('aes-128-gcm', key, nonce);
  c.setAAD(metadata);
  const ct = c.update(plaintext);
  c.final();
  const tag = c.getAuthTag();
  return {
    encrypt: () =>
      time(count, () => {
        const cipher = createCipheriv('aes-128-gcm', key, nonce);
        cipher.setAAD(metadata);
        cipher.update(plaintext);
        cipher.final();
        return cipher.getAuthTag();
      }),
    decrypt: () =>
      time(count, () => {
        const decipher = createDecipheriv('aes-128-gcm', key, nonce);
        decipher.setAuthTag(tag);
        decipher.setAAD(metadata);
        const pt = decipher.update(ct);
        decipher.final();
        return pt;
      }),
  };
}

async function sframeChunks(
  backend: SFrameCryptoBackend,
  size: number,
  count: number,
): Promise<{ protect: Chunk; unprotect: Chunk }> {
  const baseKey = randomBytes(16);
  const plaintext = randomBytes(size);
  const sender = new SFrameSender({ backend, suite: 0x0004 });
  await sender.setKey(KID, baseKey);
  const protect = (): Promise<number> =>
    time(count, () => sender.protect(KID, plaintext, metadata));
  const unprotect = async (): Promise<number> => {
    // Each frame is accepted once, so every chunk gets fresh frames and a fresh receiver.
    const frames: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
      const r = await sender.protect(KID, plaintext, metadata);
      if (r.kind !== 'ok') throw new Error(`protect refused: ${r.reason}`);
      frames.push(r.frame);
    }
    const receiver = new SFrameReceiver({ backend, suite: 0x0004 });
    await receiver.setKey(KID, baseKey);
    return time(count, async (i) => {
      const r = await receiver.unprotect(frames[i] ?? new Uint8Array(), metadata);
      if (r.kind !== 'ok') throw new Error(`unprotect dropped: ${r.reason}`);
    });
  };
  return { protect, unprotect };
}

export async function run(bench: Bench): Promise<void> {
  const backends = [
    { label: 'node', backend: nodeCryptoBackend() },
    { label: 'webcrypto', backend: webCryptoBackend(globalThis.crypto.subtle) },
  ];
  for (const size of SIZES) {
    const count = size >= 10_000 ? 512 : 1_024;
    // One phase per back end, each with its own raw baseline: WebCrypto's garbage and thread
    // pool work spill into whatever runs next, which would tax the node figures unfairly.
    for (const { label, backend } of backends) {
      bench.progress(
        `sframe ${size}B ${label}: ${ROUNDS} rounds of ${count} frames per measurement`,
      );
      const raw = rawChunks(size, count);
      const sframe = await sframeChunks(backend, size, count);
      const chunks: Record<string, Chunk> = {
        rawEncrypt: raw.encrypt,
        protect: sframe.protect,
        rawDecrypt: raw.decrypt,
        unprotect: sframe.unprotect,
      };
      const samples = new Map<string, number[]>();
      for (let round = 0; round < ROUNDS; round++) {
        for (const [key, chunk] of Object.entries(chunks)) {
          const list = samples.get(key) ?? [];
          list.push(opsPerSecondOf(count, await chunk()));
          samples.set(key, list);
        }
      }
      const m = (key: string): number => median(samples.get(key) ?? []);
      // Baselines: raw AES-128-GCM encrypt for protect, raw decrypt for unprotect.
      bench.record(`sframe protect ${size}B ${label}`, m('protect'), 'ops/s', m('rawEncrypt'));
      bench.record(`sframe unprotect ${size}B ${label}`, m('unprotect'), 'ops/s', m('rawDecrypt'));
    }
  }
}
