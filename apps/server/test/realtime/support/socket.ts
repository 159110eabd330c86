// A real `ws` client of the signaling socket. Every text frame the server sends is checked against
// the protocol's server-message schema, so each test also proves the wire contract.
import { WebSocket } from 'ws';
import type { ServerMessage } from '../../../../../packages/protocol/src/signaling/messages.ts';
import { parseServerMessage } from '../../../../../packages/protocol/src/signaling/parse.ts';

export type Msg<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

export class SignalingSocket {
  readonly received: ServerMessage[] = [];
  /** Binary frames received (media). */
  readonly frames: Buffer[] = [];
  /** Text frames that did not match the schema: must stay empty. */
  readonly invalid: string[] = [];
  closeCode: number | undefined;
  onMessage: ((message: ServerMessage) => void) | undefined;
  /** WebSocket-level pongs, as every live client sends; false plays a peer that vanished. */
  answersPings = true;
  private waiters = new Set<() => void>();

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) {
        this.frames.push(data);
      } else {
        const parsed = parseServerMessage(data.toString('utf8'));
        if (parsed.kind === 'ok') {
          this.received.push(parsed.message);
          this.onMessage?.(parsed.message);
        } else {
          this.invalid.push(data.toString('utf8'));
        }
      }
      this.wake();
    });
    ws.on('close', (code) => {
      this.closeCode = code;
      this.wake();
    });
    ws.on('ping', (data: Buffer) => {
      if (this.answersPings) ws.pong(data);
    });
    ws.on('error', () => undefined);
  }

  static async open(url: string, headers: Record<string, string> = {}): Promise<SignalingSocket> {
    const ws = new WebSocket(url, { headers, perMessageDeflate: false, autoPong: false });
    const socket = new SignalingSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return socket;
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(message: unknown): void {
    this.ws.send(JSON.stringify(message));
  }

  sendRaw(data: string | Buffer | Uint8Array): void {
    this.ws.send(data);
  }

  /** The first message (from `from` on) that matches; waits for it. */
  async waitFor<T extends ServerMessage['type']>(
    type: T,
    match: (message: Msg<T>) => boolean = () => true,
    options: { from?: number; timeoutMs?: number } = {},
  ): Promise<Msg<T>> {
    let found: Msg<T> | undefined;
    await this.until(
      () => {
        found = this.received
          .slice(options.from ?? 0)
          .find((m): m is Msg<T> => m.type === type && match(m as Msg<T>));
        return found !== undefined;
      },
      options.timeoutMs ?? 8_000,
      `a ${type} message`,
    );
    return found as Msg<T>;
  }

  all<T extends ServerMessage['type']>(type: T): Msg<T>[] {
    return this.received.filter((m): m is Msg<T> => m.type === type);
  }

  async until(condition: () => boolean, timeoutMs = 8_000, what = 'a condition'): Promise<void> {
    if (condition()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}; last messages: ${this.tail()}`));
      }, timeoutMs);
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }

  /** Re-checks waiters (for conditions that depend on state outside this socket). */
  wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  async closed(timeoutMs = 8_000): Promise<number> {
    await this.until(() => this.closeCode !== undefined, timeoutMs, 'the socket to close');
    return this.closeCode ?? -1;
  }

  close(): void {
    this.ws.terminate();
  }

  private tail(): string {
    return this.received
      .slice(-6)
      .map((m) => (m.type === 'error' ? `error:${m.code}` : m.type))
      .join(', ');
  }
}
