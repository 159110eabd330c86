// One signaling connection: the WebSocket at /api/realtime, `hello` until `ready`, then JSON
// messages both ways (validated with the protocol schemas) and binary media envelopes. It pings
// the server and treats a silent connection as dead, so a half-open socket is noticed and the
// meeting can reconnect. It never reconnects by itself: the meeting decides.
import type { Clock, TimerHandle } from '../clock.ts';
import { Emitter } from '../emitter.ts';
import { ClientError } from '../errors.ts';
import { parseServerMessage, type ClientMessage, type ServerMessage } from '../wire.ts';
import { WEBSOCKET_OPEN, type WebSocketFactory, type WebSocketLike } from './websocket.ts';

export interface SignalingEvents {
  /** A valid server message, with its JSON text (for fields a newer server may add). */
  message: { readonly message: ServerMessage; readonly text: string };
  binary: Uint8Array;
  /** A message that failed validation; it is ignored. */
  invalid: { readonly code: string };
  /** The socket closed (by either side); `dead` when it went silent and this side gave up. */
  closed: { readonly code: number; readonly reason: string; readonly dead: boolean };
}

export interface SignalingOptions {
  readonly url: string;
  readonly factory: WebSocketFactory;
  readonly clock: Clock;
  readonly hello: Extract<ClientMessage, { type: 'hello' }>;
  /** Default 10 s. */
  readonly pingIntervalMs?: number;
  /** A connection silent this long is dead. Default 30 s. */
  readonly silenceTimeoutMs?: number;
  /** Waiting for `ready`. Default 15 s. */
  readonly openTimeoutMs?: number;
}

type Phase = 'idle' | 'opening' | 'ready' | 'closed';

export class SignalingConnection {
  readonly events = new Emitter<SignalingEvents>();
  readonly #options: SignalingOptions;
  #socket: WebSocketLike | undefined;
  #phase: Phase = 'idle';
  #lastHeard = 0;
  #pingTimer: TimerHandle;
  #nonce = 0;

  constructor(options: SignalingOptions) {
    this.#options = options;
  }

  get isOpen(): boolean {
    return this.#phase === 'ready' && this.#socket?.readyState === WEBSOCKET_OPEN;
  }

  get bufferedAmount(): number {
    return this.#socket?.bufferedAmount ?? 0;
  }

  /** Opens the socket and says hello; resolves with `ready`. */
  open(): Promise<Extract<ServerMessage, { type: 'ready' }>> {
    if (this.#phase !== 'idle') return Promise.reject(new ClientError('invalid_argument'));
    this.#phase = 'opening';
    const { clock } = this.#options;
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (
        error: ClientError | undefined,
        ready?: Extract<ServerMessage, { type: 'ready' }>,
      ) => {
        if (settled) return;
        settled = true;
        clock.clearTimeout(timer);
        if (error !== undefined) {
          this.#shutdown(1000, '', false);
          reject(error);
        } else if (ready !== undefined) {
          resolve(ready);
        }
      };
      const timer = clock.setTimeout(
        () => settle(new ClientError('timeout')),
        this.#options.openTimeoutMs ?? 15_000,
      );
      let socket: WebSocketLike;
      try {
        socket = this.#options.factory(this.#options.url);
      } catch (cause) {
        settle(new ClientError('connection_failed', { cause }));
        return;
      }
      this.#socket = socket;
      socket.binaryType = 'arraybuffer';
      socket.onopen = () => {
        this.#lastHeard = clock.now();
        socket.send(JSON.stringify(this.#options.hello));
      };
      socket.onerror = () => {
        // A close event follows; it carries what there is to know.
      };
      socket.onclose = (event) => {
        if (this.#phase !== 'ready') {
          // What the close said (e.g. 1006: never reached; 4xxx: the server's reason).
          const said = `closed (${event.code}${event.reason === '' ? '' : ` ${event.reason}`})`;
          settle(new ClientError('connection_failed', { cause: new Error(said) }));
        }
        this.#shutdown(event.code, event.reason, false);
      };
      socket.onmessage = (event) => {
        this.#lastHeard = clock.now();
        if (typeof event.data === 'string') {
          const parsed = parseServerMessage(event.data);
          if (parsed.kind === 'error') {
            this.events.emit('invalid', { code: parsed.code });
            return;
          }
          const message = parsed.message;
          if (this.#phase === 'opening') {
            if (message.type === 'ready') {
              this.#phase = 'ready';
              this.#schedulePing();
              settle(undefined, message);
            } else if (message.type === 'error') {
              // Too slow to say hello (a starved client) is a failed connection, worth another
              // try; any other refusal is about who this client is.
              const code =
                message.code === 'hello_required' ? 'connection_failed' : 'not_authenticated';
              settle(new ClientError(code, { serverCode: message.code }));
            }
            return;
          }
          if (message.type === 'pong') return;
          this.events.emit('message', { message, text: event.data });
        } else if (this.#phase === 'ready') {
          const bytes = toBytes(event.data);
          if (bytes !== undefined) this.events.emit('binary', bytes);
        }
      };
    });
  }

  send(message: ClientMessage): boolean {
    if (!this.isOpen) return false;
    this.#socket!.send(JSON.stringify(message));
    return true;
  }

  sendBinary(bytes: Uint8Array): boolean {
    if (!this.isOpen) return false;
    this.#socket!.send(bytes);
    return true;
  }

  /** Idempotent. */
  close(code = 1000): void {
    this.#shutdown(code, '', false);
  }

  #schedulePing(): void {
    const { clock } = this.#options;
    const interval = this.#options.pingIntervalMs ?? 10_000;
    const silence = this.#options.silenceTimeoutMs ?? 30_000;
    this.#pingTimer = clock.setTimeout(
      () => {
        if (this.#phase !== 'ready') return;
        if (clock.now() - this.#lastHeard >= silence) {
          this.#shutdown(4000, 'silent', true);
          return;
        }
        this.send({ type: 'ping', nonce: ++this.#nonce });
        this.#schedulePing();
      },
      Math.min(interval, silence),
    );
  }

  #shutdown(code: number, reason: string, dead: boolean): void {
    if (this.#phase === 'closed') return;
    this.#phase = 'closed';
    this.#options.clock.clearTimeout(this.#pingTimer);
    const socket = this.#socket;
    if (socket !== undefined) {
      socket.onmessage = null;
      socket.onclose = null;
      socket.onopen = null;
      try {
        socket.close(code >= 4000 || code === 1000 ? code : 1000);
      } catch {
        // Already closing.
      }
    }
    this.events.emit('closed', { code, reason, dead });
  }
}

function toBytes(data: unknown): Uint8Array | undefined {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}
