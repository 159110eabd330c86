// The SFrame worker: owns the meeting's epoch key ring, so the page never holds an SFrame key.
// Base keys arrive by message and are wiped once imported (WebCrypto keys are non-extractable);
// replies carry frames and verdicts, never keys.
import { EpochKeyRing, SFrameError, webCryptoBackend } from '@conclave/crypto/member';
import type { WorkerReply, WorkerRequest } from './sframeWorkerProtocol.ts';

interface WorkerScope {
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerReply, transfer?: Transferable[]): void;
}
const scope = globalThis as unknown as WorkerScope;

let ring: EpochKeyRing | undefined;

scope.onmessage = (event) => {
  const request = event.data;
  switch (request.type) {
    case 'init':
      ring?.close();
      ring = new EpochKeyRing({ backend: webCryptoBackend(), retentionMs: request.retentionMs });
      return;
    case 'setEpoch':
      return void answer(request.id, async () => {
        const key = new Uint8Array(request.baseKey);
        try {
          await opened().setEpoch(request.epoch, key, request.ownLeafIndex);
        } finally {
          key.fill(0);
        }
        return { type: 'setEpoch', id: request.id };
      });
    case 'protect':
      return void answer(request.id, async () => {
        const [metadata, plaintext] = split(request.buffer, request.metadataLength);
        const result = await opened().protect(request.context, plaintext, metadata);
        return { type: 'protect', id: request.id, result };
      });
    case 'unprotect':
      return void answer(request.id, async () => {
        const [metadata, frame] = split(request.buffer, request.metadataLength);
        const result = await opened().unprotect(frame, metadata);
        return { type: 'unprotect', id: request.id, result };
      });
    case 'prune':
      ring?.prune();
      return;
    case 'close':
      ring?.close();
      return;
  }
};

function opened(): EpochKeyRing {
  if (ring === undefined) throw new SFrameError('closed', 'key ring is not set up');
  return ring;
}

function split(buffer: ArrayBuffer, metadataLength: number): [Uint8Array, Uint8Array] {
  return [new Uint8Array(buffer, 0, metadataLength), new Uint8Array(buffer, metadataLength)];
}

/** Replies with the result, handing its output frame's buffer over; a refusal is its code only. */
async function answer(id: number, work: () => Promise<WorkerReply>): Promise<void> {
  let reply: WorkerReply;
  try {
    reply = await work();
  } catch (error) {
    const code = error instanceof SFrameError ? error.code : 'invalid_argument';
    scope.postMessage({ type: 'error', id, code });
    return;
  }
  scope.postMessage(reply, transferOf(reply));
}

function transferOf(reply: WorkerReply): Transferable[] {
  if (reply.type === 'protect' && reply.result.kind === 'ok') return [reply.result.frame.buffer];
  if (reply.type === 'unprotect' && reply.result.kind === 'ok')
    return [reply.result.plaintext.buffer];
  return [];
}
