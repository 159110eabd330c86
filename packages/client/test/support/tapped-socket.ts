// Real `ws` sockets with a tap, for tests that play the network or a hostile server: see what a
// client receives, alter or inject inbound messages, send raw bytes as the client, or cut the
// connection.
import type { WebSocket as WsSocket } from 'ws';
import type { WebSocketFactory, WebSocketLike } from '../../src/index.ts';
import { nodeWebSocketFactory } from '../../src/node.ts';

type MessageHandler = ((event: { readonly data: unknown }) => void) | null;

export class Tap {
  /** Binary messages received (after `alter`), in order. */
  readonly binary: Uint8Array[] = [];
  readonly text: string[] = [];
  /** Rewrites each inbound text message (a hostile server, a corrupting path). */
  alterText: ((text: string) => string) | undefined;
  /**
   * Milliseconds to hold each inbound text message back (0: none) while binary messages go on:
   * signaling that takes a slower path than media (another node, a congested link).
   */
  delayText: ((text: string) => number) | undefined;
  /** Rewrites (or, returning null, swallows) each inbound binary message. */
  alter: ((bytes: Uint8Array) => Uint8Array | null) | undefined;
  #socket: WsSocket | undefined;
  #textLine: Promise<void> = Promise.resolve();
  #deliver: ((data: unknown) => void) | undefined;

  readonly factory: WebSocketFactory = (url) => {
    const socket = nodeWebSocketFactory()(url) as unknown as WsSocket;
    this.#socket = socket;
    let handler: MessageHandler = null;
    const deliver = (data: unknown) => handler?.({ data });
    this.#deliver = deliver;
    socket.onmessage = (event: { data: unknown }) => {
      const data: unknown = event.data;
      if (typeof data === 'string') {
        const text = this.alterText === undefined ? data : this.alterText(data);
        const arrive = () => {
          this.text.push(text);
          deliver(text);
        };
        if (this.delayText === undefined) return arrive();
        // Held back, and whatever text follows waits behind it: signaling keeps its order.
        const delay = this.delayText(text);
        this.#textLine = this.#textLine
          .then(() => (delay > 0 ? new Promise((r) => setTimeout(r, delay)) : undefined))
          .then(arrive);
        return;
      }
      let bytes: Uint8Array = new Uint8Array(data as ArrayBuffer);
      if (this.alter !== undefined) {
        const altered = this.alter(bytes);
        if (altered === null) return;
        bytes = altered;
      }
      this.binary.push(bytes);
      deliver(bytes.slice().buffer);
    };
    return {
      get readyState() {
        return socket.readyState;
      },
      get bufferedAmount() {
        return socket.bufferedAmount;
      },
      get binaryType() {
        return socket.binaryType;
      },
      set binaryType(value: string) {
        socket.binaryType = value as 'arraybuffer';
      },
      send: (data: string | Uint8Array) => socket.send(data),
      close: (code?: number, reason?: string) => socket.close(code, reason),
      get onopen() {
        return socket.onopen as unknown as WebSocketLike['onopen'];
      },
      set onopen(h: WebSocketLike['onopen']) {
        socket.onopen = h;
      },
      get onclose() {
        return socket.onclose as unknown as WebSocketLike['onclose'];
      },
      set onclose(h: WebSocketLike['onclose']) {
        socket.onclose = h;
      },
      get onerror() {
        return socket.onerror as unknown as WebSocketLike['onerror'];
      },
      set onerror(h: WebSocketLike['onerror']) {
        socket.onerror = h;
      },
      get onmessage() {
        return handler;
      },
      set onmessage(h: MessageHandler) {
        handler = h;
      },
    };
  };

  /** As if the server had sent `message`. */
  inject(message: unknown): void {
    this.#deliver?.(JSON.stringify(message));
  }

  /** Sends raw bytes as this client (a member misbehaving). */
  sendRaw(bytes: Uint8Array): void {
    this.#socket?.send(bytes);
  }

  /** Sends a text message as this client, bypassing the SDK (a member misbehaving). */
  sendText(text: string): void {
    this.#socket?.send(text);
  }

  /** A network failure: the connection is gone without a closing handshake. */
  cut(): void {
    this.#socket?.terminate();
  }
}
