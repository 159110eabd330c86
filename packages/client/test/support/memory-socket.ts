// An in-memory WebSocket pair: the client end has the slice of the WebSocket API the SDK uses;
// the server end is a plain callback. Messages are delivered asynchronously and in order, as a
// real socket would.
import type { WebSocketLike } from '../../src/index.ts';

export interface ServerEnd {
  send(data: string | Uint8Array): void;
  /** Closes from the server side (the client sees `code`). */
  close(code?: number): void;
  /** A network failure: the client sees 1006, the server sees its own close. */
  drop(): void;
  isOpen(): boolean;
}

export interface ServerHandlers {
  message(data: string | Uint8Array): void;
  closed(): void;
}

type Attach = (end: ServerEnd) => ServerHandlers;

export class MemorySocket implements WebSocketLike {
  readyState = 0;
  bufferedAmount = 0;
  binaryType = 'blob';
  onopen: ((event: unknown) => void) | null = null;
  onclose: ((event: { readonly code: number; readonly reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  onmessage: ((event: { readonly data: unknown }) => void) | null = null;
  readonly #server: ServerHandlers;
  readonly end: ServerEnd;

  constructor(attach: Attach) {
    this.end = {
      isOpen: () => this.readyState === 1,
      send: (data) => {
        if (this.readyState !== 1) return;
        const copy = typeof data === 'string' ? data : data.slice().buffer;
        later(() => {
          if (this.readyState === 1) this.onmessage?.({ data: copy });
        });
      },
      close: (code = 1000) => this.#closeFromServer(code),
      drop: () => this.#closeFromServer(1006),
    };
    this.#server = attach(this.end);
    later(() => {
      if (this.readyState !== 0) return;
      this.readyState = 1;
      this.onopen?.({});
    });
  }

  send(data: string | Uint8Array): void {
    if (this.readyState !== 1) return;
    const copy = typeof data === 'string' ? data : data.slice();
    later(() => this.#server.message(copy));
  }

  close(code = 1000): void {
    if (this.readyState >= 2) return;
    this.readyState = 3;
    later(() => {
      this.#server.closed();
      this.onclose?.({ code, reason: '' });
    });
  }

  #closeFromServer(code: number): void {
    if (this.readyState >= 2) return;
    this.readyState = 3;
    later(() => {
      this.#server.closed();
      this.onclose?.({ code, reason: '' });
    });
  }
}

// Ordered and asynchronous; a macrotask so the receiving side's promise chains run in between.
const queue: (() => void)[] = [];
let scheduled = false;
function later(task: () => void): void {
  queue.push(task);
  if (scheduled) return;
  scheduled = true;
  setImmediate(flush);
}
function flush(): void {
  scheduled = false;
  const tasks = queue.splice(0);
  for (const task of tasks) task();
}
