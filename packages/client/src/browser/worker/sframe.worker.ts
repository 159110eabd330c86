// The SFrame worker's entry: it owns the meeting's epoch key ring, so the page never holds an
// SFrame key. What it does with each message is ../worker-handler.ts (tested in Node); this file
// only connects it to the worker's own scope. Type-checked with the WebWorker library
// (./tsconfig.json), not the DOM.
import { frameWorkerHandler } from '../worker-handler.ts';
import type { WorkerRequest } from '../worker-protocol.ts';

const handle = frameWorkerHandler({
  post: (reply, transfer) => postMessage(reply, transfer),
});

addEventListener('message', (event: MessageEvent<WorkerRequest>) => void handle(event.data));
