// A FrameWorker answered by the real worker handler in this process: messages cross as a Worker's
// would (structured clone, transferred buffers detached on the sending side), one task later.
import type { FrameWorker } from '../../src/browser.ts';
import { frameWorkerHandler } from '../../src/browser/worker-handler.ts';
import type { WorkerReply, WorkerRequest } from '../../src/browser/worker-protocol.ts';

export class InProcessWorker implements FrameWorker {
  onmessage: ((event: MessageEvent<WorkerReply>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  /** Every request as the worker received it, in order. */
  readonly received: WorkerRequest[] = [];
  terminated = 0;
  readonly #handle: (request: WorkerRequest) => Promise<void>;
  #pending: Promise<unknown> = Promise.resolve();

  constructor() {
    this.#handle = frameWorkerHandler({
      post: (reply, transfer) => {
        const copy = structuredClone(reply, { transfer });
        setTimeout(() => this.onmessage?.(new MessageEvent('message', { data: copy })), 0);
      },
    });
  }

  postMessage(message: WorkerRequest, transfer: Transferable[]): void {
    if (this.terminated > 0) return;
    const copy = structuredClone(message, { transfer });
    this.received.push(copy);
    // A worker takes its messages in order; each handler call starts as the message arrives.
    this.#pending = this.#pending.then(() => void this.#handle(copy));
  }

  terminate(): void {
    this.terminated++;
  }

  /** As the browser does when the worker script fails. */
  fail(): void {
    this.onerror?.(new Event('error') as ErrorEvent);
  }
}
