// What the SFrame worker does with each message, apart from the Worker itself so that Node tests
// can drive it: it owns the meeting's epoch key ring, so the page never holds an SFrame key. Base
// keys arrive by message and are wiped once imported (WebCrypto keys are non-extractable); replies
// carry frames and verdicts, never keys. A frame that does not authenticate is a typed drop, and
// a refused request is an error code: nothing here throws back at the page.
import {
  EpochKeyRing,
  SFrameError,
  webCryptoBackend,
  type SFrameCryptoBackend,
} from '@conclave/crypto/member';
import type { WorkerReply, WorkerRequest } from './worker-protocol.ts';

/** How replies leave the worker: `transfer` lists the buffers handed over with the reply. */
export type PostReply = (reply: WorkerReply, transfer: Transferable[]) => void;

export interface FrameWorkerOptions {
  readonly post: PostReply;
  /** Default: WebCrypto, whose keys are non-extractable. */
  readonly backend?: SFrameCryptoBackend;
  /** The key ring's clock, in milliseconds. Default: the worker's own. */
  readonly now?: () => number;
}

/**
 * The worker's message handler. Each call settles once its reply is posted (requests without a
 * reply settle at once), so a test can await it.
 */
export function frameWorkerHandler(
  options: FrameWorkerOptions,
): (request: WorkerRequest) => Promise<void> {
  const { post } = options;
  let ring: EpochKeyRing | undefined;

  const opened = (): EpochKeyRing => {
    if (ring === undefined) throw new SFrameError('closed', 'key ring is not set up');
    return ring;
  };

  /** Replies with the result, handing its output frame's buffer over; a refusal is its code only. */
  const answer = async (id: number, work: () => Promise<WorkerReply>): Promise<void> => {
    let reply: WorkerReply;
    try {
      reply = await work();
    } catch (error) {
      const code = error instanceof SFrameError ? error.code : 'invalid_argument';
      post({ type: 'error', id, code }, []);
      return;
    }
    post(reply, transferOf(reply));
  };

  return async (request) => {
    switch (request.type) {
      case 'init':
        ring?.close();
        ring = new EpochKeyRing({
          backend: options.backend ?? webCryptoBackend(),
          retentionMs: request.retentionMs,
          ...(request.cipherSuite === undefined ? {} : { cipherSuite: request.cipherSuite }),
          ...(options.now === undefined ? {} : { now: options.now }),
        });
        return;
      case 'setEpoch':
        return answer(request.id, async () => {
          const key = new Uint8Array(request.baseKey);
          try {
            await opened().setEpoch(
              request.epoch,
              key,
              request.ownLeafIndex,
              request.sending ?? 'now',
            );
          } finally {
            key.fill(0);
          }
          return epochsOf(request.id, opened());
        });
      case 'sendUnder':
        return answer(request.id, async () => {
          await opened().sendUnder(request.epoch);
          return epochsOf(request.id, opened());
        });
      case 'protect':
        return answer(request.id, async () => {
          const [metadata, plaintext] = split(request.buffer, request.metadataLength);
          const result = await opened().protect(request.context, plaintext, metadata);
          return { type: 'protect', id: request.id, result };
        });
      case 'unprotect':
        return answer(request.id, async () => {
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
}

function epochsOf(id: number, ring: EpochKeyRing): WorkerReply {
  return { type: 'epochs', id, current: ring.currentEpoch, newest: ring.newestEpoch };
}

function split(buffer: ArrayBuffer, metadataLength: number): [Uint8Array, Uint8Array] {
  return [new Uint8Array(buffer, 0, metadataLength), new Uint8Array(buffer, metadataLength)];
}

function transferOf(reply: WorkerReply): Transferable[] {
  if (reply.type === 'protect' && reply.result.kind === 'ok') return [reply.result.frame.buffer];
  if (reply.type === 'unprotect' && reply.result.kind === 'ok')
    return [reply.result.plaintext.buffer];
  return [];
}
