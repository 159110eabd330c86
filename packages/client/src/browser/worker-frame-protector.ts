// The page side of the SFrame worker: a FrameProtector answered by worker/sframe.worker.ts.
// The page keeps no key: each epoch's base key is copied into a buffer that is transferred (so
// detached here) and the SDK wipes its own copy. Frames go over in one transferred buffer each
// and come back the same way.
import {
  SFrameError,
  type KeyRingUnprotectResult,
  type ProtectResult,
  type SendSwitch,
} from '@conclave/crypto/member';
import type { FrameProtector, FrameProtectorFactory } from '../media/frame-protector.ts';
import type { WorkerReply, WorkerRequest } from './worker-protocol.ts';

/** The part of a `Worker` used here, so tests can answer with the handler in the same process. */
export interface FrameWorker {
  onmessage: ((event: MessageEvent<WorkerReply>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  postMessage(message: WorkerRequest, transfer: Transferable[]): void;
  terminate(): void;
}

/** Frames that went through SFrame workers and came back ok. Counts only, never content. */
export interface WorkerFrameCounts {
  protected: number;
  decrypted: number;
}

type Pending = {
  resolve: (reply: WorkerReply) => void;
  /** What the caller gets if the worker goes away first. */
  fallback: () => void;
};

export class WorkerFrameProtector implements FrameProtector {
  readonly #worker: FrameWorker;
  readonly #counts: WorkerFrameCounts;
  readonly #pending = new Map<number, Pending>();
  #nextId = 0;
  #current: bigint | undefined;
  #newest: bigint | undefined;
  #closed = false;

  constructor(
    worker: FrameWorker,
    retentionMs: number,
    counts: WorkerFrameCounts = { protected: 0, decrypted: 0 },
    cipherSuite: 0x0004 | 0x0005 = 0x0004,
  ) {
    this.#worker = worker;
    this.#counts = counts;
    worker.onmessage = (event: MessageEvent<WorkerReply>) => this.#settle(event.data);
    worker.onerror = () => this.close();
    this.#post({ type: 'init', retentionMs, cipherSuite });
  }

  get currentEpoch(): bigint | undefined {
    return this.#current;
  }

  get newestEpoch(): bigint | undefined {
    return this.#newest;
  }

  setEpoch(
    epoch: bigint,
    baseKey: Uint8Array,
    ownLeafIndex: number,
    sending: SendSwitch = 'now',
  ): Promise<void> {
    if (this.#closed) return Promise.reject(new SFrameError('closed', 'key ring is closed'));
    // Copied into a buffer of its own, which the transfer detaches: nothing of it stays here.
    const key = baseKey.slice();
    return this.#epochRequest((id) =>
      this.#post({ type: 'setEpoch', id, epoch, baseKey: key.buffer, ownLeafIndex, sending }, [
        key.buffer,
      ]),
    );
  }

  sendUnder(epoch: bigint): Promise<void> {
    if (this.#closed) return Promise.reject(new SFrameError('closed', 'key ring is closed'));
    return this.#epochRequest((id) => this.#post({ type: 'sendUnder', id, epoch }));
  }

  /** A request the worker answers with its ring's epochs, which this mirrors. */
  #epochRequest(post: (id: number) => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const id = this.#track(
        (reply) => {
          if (reply.type === 'error') return reject(new SFrameError(reply.code, 'worker refused'));
          if (reply.type === 'epochs') {
            this.#current = reply.current;
            this.#newest = reply.newest;
          }
          resolve();
        },
        () => reject(new SFrameError('closed', 'key ring is closed')),
      );
      post(id);
    });
  }

  protect(context: number, plaintext: Uint8Array, metadata: Uint8Array): Promise<ProtectResult> {
    if (this.#closed) return Promise.resolve({ kind: 'refused', reason: 'closed' });
    const buffer = joined(metadata, plaintext);
    return new Promise((resolve, reject) => {
      const id = this.#track(
        (reply) => {
          if (reply.type === 'protect') {
            if (reply.result.kind === 'ok') this.#counts.protected++;
            return resolve(reply.result);
          }
          if (reply.type === 'error')
            return reject(new SFrameError(reply.code, 'worker refused the frame'));
          resolve({ kind: 'refused', reason: 'closed' });
        },
        () => resolve({ kind: 'refused', reason: 'closed' }),
      );
      this.#post({ type: 'protect', id, context, buffer, metadataLength: metadata.length }, [
        buffer,
      ]);
    });
  }

  unprotect(frame: Uint8Array, metadata: Uint8Array): Promise<KeyRingUnprotectResult> {
    if (this.#closed) return Promise.resolve({ kind: 'drop', reason: 'closed' });
    const buffer = joined(metadata, frame);
    return new Promise((resolve) => {
      const id = this.#track(
        (reply) => {
          if (reply.type !== 'unprotect') return resolve({ kind: 'drop', reason: 'closed' });
          if (reply.result.kind === 'ok') this.#counts.decrypted++;
          resolve(reply.result);
        },
        () => resolve({ kind: 'drop', reason: 'closed' }),
      );
      this.#post({ type: 'unprotect', id, buffer, metadataLength: metadata.length }, [buffer]);
    });
  }

  prune(): void {
    if (!this.#closed) this.#post({ type: 'prune' });
  }

  /** Idempotent: the worker forgets its keys and stops; calls still waiting are refused. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#current = undefined;
    this.#newest = undefined;
    this.#post({ type: 'close' });
    this.#worker.terminate();
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) p.fallback();
  }

  #track(resolve: Pending['resolve'], fallback: Pending['fallback']): number {
    const id = ++this.#nextId;
    this.#pending.set(id, { resolve, fallback });
    return id;
  }

  #settle(reply: WorkerReply): void {
    const pending = this.#pending.get(reply.id);
    if (pending === undefined) return;
    this.#pending.delete(reply.id);
    pending.resolve(reply);
  }

  #post(request: WorkerRequest, transfer: Transferable[] = []): void {
    this.#worker.postMessage(request, transfer);
  }
}

/** A page's SFrame workers: one per key ring the meeting needs, and what they did, counted. */
export interface WorkerFrameProtectors {
  /** Given to `client.meeting(id, { frameProtector })`: a new MLS group gets a new worker. */
  readonly factory: FrameProtectorFactory;
  /** Frames protected and decrypted in these workers so far, across key rings. */
  stats(): WorkerFrameCounts;
}

/** `createWorker` defaults to the bundled SFrame worker; tests pass one of their own. */
export function workerFrameProtectors(
  createWorker: () => FrameWorker = sframeWorker,
): WorkerFrameProtectors {
  const counts: WorkerFrameCounts = { protected: 0, decrypted: 0 };
  return {
    factory: ({ retentionMs, cipherSuite }) =>
      new WorkerFrameProtector(createWorker(), retentionMs, counts, cipherSuite),
    stats: () => ({ ...counts }),
  };
}

/** Written so that Vite (and other bundlers) see the worker and bundle it as its own file. */
function sframeWorker(): FrameWorker {
  return new Worker(new URL('./worker/sframe.worker.ts', import.meta.url), { type: 'module' });
}

/** Metadata then payload in one fresh buffer: the only copy a frame makes on its way over. */
function joined(metadata: Uint8Array, payload: Uint8Array): ArrayBuffer {
  const out = new Uint8Array(metadata.length + payload.length);
  out.set(metadata);
  out.set(payload, metadata.length);
  return out.buffer;
}
