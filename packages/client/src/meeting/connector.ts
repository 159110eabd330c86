// The meeting's signaling connection over time: the first connection, and after an unexpected
// drop a new one with exponential back-off, until `maxAttempts` fail in a row. Each new
// connection is announced so the meeting can resume (`join { resumeEpoch }`).
import { sleep, type Clock } from '../clock.ts';
import { Emitter } from '../emitter.ts';
import { ClientError } from '../errors.ts';
import { SignalingConnection, type SignalingOptions } from '../transport/signaling.ts';
import type { ClientMessage, ServerMessage } from '../wire.ts';

export interface ReconnectPolicy {
  /** Attempts in a row before giving up. Default 8; 0 disables reconnecting. */
  readonly maxAttempts?: number;
  /** Default 200 ms, doubled per attempt. */
  readonly baseDelayMs?: number;
  /** Default 5 s. */
  readonly maxDelayMs?: number;
}

export interface ConnectorEvents {
  connected: { readonly resumed: boolean };
  /** The connection dropped; reconnecting starts. */
  dropped: { readonly code: number };
  reconnecting: { readonly attempt: number };
  /** Gave up (or reconnecting is disabled): the meeting is over for this client. */
  lost: ClientError;
  message: { readonly message: ServerMessage; readonly text: string };
  binary: Uint8Array;
}

export class Connector {
  readonly events = new Emitter<ConnectorEvents>();
  readonly #options: Omit<SignalingOptions, 'clock'>;
  readonly #clock: Clock;
  readonly #policy: Required<ReconnectPolicy>;
  #connection: SignalingConnection | undefined;
  #closed = false;
  reconnects = 0;

  constructor(
    options: Omit<SignalingOptions, 'clock'> & { clock: Clock; reconnect?: ReconnectPolicy },
  ) {
    const { clock, reconnect, ...signaling } = options;
    this.#options = signaling;
    this.#clock = clock;
    this.#policy = {
      maxAttempts: reconnect?.maxAttempts ?? 8,
      baseDelayMs: reconnect?.baseDelayMs ?? 200,
      maxDelayMs: reconnect?.maxDelayMs ?? 5_000,
    };
  }

  get isOpen(): boolean {
    return this.#connection?.isOpen === true;
  }

  get bufferedAmount(): number {
    return this.#connection?.bufferedAmount ?? 0;
  }

  /** The first connection; rejects if it cannot be made (no retry: the caller sees why). */
  async start(): Promise<void> {
    await this.#open();
    this.events.emit('connected', { resumed: false });
  }

  send(message: ClientMessage): boolean {
    return this.#connection?.send(message) ?? false;
  }

  sendBinary(bytes: Uint8Array): boolean {
    return this.#connection?.sendBinary(bytes) ?? false;
  }

  /** Idempotent; no reconnect follows. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#connection?.close();
    this.#connection = undefined;
  }

  async #open(): Promise<void> {
    const connection = new SignalingConnection({ ...this.#options, clock: this.#clock });
    let established = false;
    connection.events.on('message', (m) => this.events.emit('message', m));
    connection.events.on('binary', (b) => this.events.emit('binary', b));
    connection.events.on('closed', (event) => {
      // A connection that never got `ready` is a failed attempt (open() rejects), not a drop.
      if (!established || this.#connection !== connection || this.#closed) return;
      this.#connection = undefined;
      this.events.emit('dropped', { code: event.code });
      void this.#reconnect();
    });
    this.#connection = connection;
    try {
      await connection.open();
      established = true;
    } catch (error) {
      if (this.#connection === connection) this.#connection = undefined;
      throw error;
    }
    if (this.#closed) {
      connection.close();
      throw new ClientError('closed');
    }
  }

  async #reconnect(): Promise<void> {
    const { maxAttempts, baseDelayMs, maxDelayMs } = this.#policy;
    let lastError: unknown;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      await sleep(this.#clock, Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)));
      if (this.#closed) return;
      this.events.emit('reconnecting', { attempt });
      try {
        await this.#open();
        this.reconnects++;
        this.events.emit('connected', { resumed: true });
        return;
      } catch (error) {
        if (this.#closed) return;
        lastError = error;
        // A refused hello will not get better by retrying.
        if (error instanceof ClientError && error.code === 'not_authenticated') break;
      }
    }
    if (this.#closed) return;
    this.#closed = true;
    this.events.emit(
      'lost',
      lastError instanceof ClientError
        ? lastError
        : new ClientError('connection_failed', { cause: lastError }),
    );
  }
}
