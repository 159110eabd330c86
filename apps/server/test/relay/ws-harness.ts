// A real relay server on 127.0.0.1 (port 0) and real `ws` clients for the loopback tests. The
// test server "authenticates" from the URL query; production wiring does that from the session.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import {
  MediaRelay,
  attachWebSocket,
  relayWebSocketOptions,
  type RelayOptions,
} from '../../src/realtime/relay/index.ts';

export interface RelayServer {
  readonly relay: MediaRelay;
  readonly port: number;
  /** The server side of each participant's socket, by relay id. */
  readonly serverSockets: Map<number, WebSocket>;
  connect(meetingId: string, participantId: number): Promise<TestClient>;
  close(): Promise<void>;
}

/** How the test server hands a new socket to the relay; the default is a dedicated media socket. */
export type Attach = (
  relay: MediaRelay,
  meetingId: string,
  participantId: number,
  socket: WebSocket,
) => void;

const dedicated: Attach = (relay, meetingId, participantId, socket) => {
  const joined = attachWebSocket(relay, meetingId, participantId, socket);
  if (joined.kind !== 'joined') socket.close(4400);
};

export async function startRelayServer(
  options: RelayOptions = {},
  attach: Attach = dedicated,
): Promise<RelayServer> {
  const relay = new MediaRelay(options);
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, ...relayWebSocketOptions });
  const serverSockets = new Map<number, WebSocket>();
  wss.on('connection', (socket, request) => {
    const query = new URL(request.url ?? '/', 'http://127.0.0.1').searchParams;
    const participantId = Number(query.get('id'));
    serverSockets.set(participantId, socket);
    attach(relay, query.get('meeting') ?? '', participantId, socket);
  });
  await once(wss, 'listening');
  const port = (wss.address() as AddressInfo).port;
  const clients: TestClient[] = [];
  return {
    relay,
    port,
    serverSockets,
    async connect(meetingId, participantId) {
      const client = await TestClient.connect(port, meetingId, participantId);
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) client.ws.terminate();
      relay.close();
      for (const socket of wss.clients) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

export class TestClient {
  readonly received: Buffer[] = [];
  closeCode: number | undefined;
  private waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      this.received.push(data);
      this.wake();
    });
    ws.on('close', (code) => {
      this.closeCode = code;
      this.wake();
    });
    ws.on('error', () => undefined);
  }

  static async connect(
    port: number,
    meetingId: string,
    participantId: number,
  ): Promise<TestClient> {
    const ws = new WebSocket(
      `ws://127.0.0.1:${port}/media?meeting=${meetingId}&id=${participantId}`,
      {
        perMessageDeflate: false,
      },
    );
    const client = new TestClient(ws);
    await once(ws, 'open');
    return client;
  }

  send(bytes: Uint8Array): void {
    this.ws.send(bytes, { binary: true });
  }

  /** Stops reading from the socket, like a receiver on a congested link. */
  stall(): void {
    (this.ws as unknown as { _socket: Socket })._socket.pause();
  }

  resume(): void {
    (this.ws as unknown as { _socket: Socket })._socket.resume();
  }

  /** Resolves when `done()` holds, re-checked on every message; rejects after `timeoutMs`. */
  async until(done: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 50));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/** Waits `ms`, for "nothing more arrives" checks. */
export function settle(ms = 100): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
