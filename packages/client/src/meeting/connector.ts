// The meeting's signaling connection over time: the first connection, and after an unexpected
// drop a new one with capped exponential back-off and jitter — for as long as the user stays,
// unless the application sets `maxAttempts`. Each new connection is announced so the meeting can
// resume (`join { resumeEpoch }`). The jitter spreads a whole meeting's reconnects after a server
// restart, so they do not arrive as one burst; a server that said `server-restarting` is retried
// on a short leash (it is coming back, and nothing is wrong with the network).
import { sleep, type Clock } from '../clock.ts';
import { Emitter } from '../emitter.ts';
import { ClientError } from '../errors.ts';
import { SignalingConnection, type SignalingOptions } from '../transport/signaling.ts';
import { realtimeUrl } from '../transport/websocket.ts';
import type { ClientMessage, ServerMessage } from '../wire.ts';
import type { JoinOptions, MeetingDeps } from './types.ts';

export interface ReconnectPolicy {
  /**
   * Attempts in a row before giving up. Default: no limit (keep trying while the user stays);
   * 0 disables reconnecting.
   */
  readonly maxAttempts?: number;
  /** Default 200 ms, doubled per attempt. */
  readonly baseDelayMs?: number;
  /** Default 5 s. */
  readonly maxDelayMs?: number;
  /**
   * Up to this fraction of each delay is taken off at random (default 0.5: a 4 s delay is 2–4 s);
   * 0 for exact delays.
   */
  readonly jitter?: number;
  /** The cap while the server said it is restarting. Default 1 s. */
  readonly restartDelayMs?: number;
  /** A number in [0, 1); default Math.random. Tests pass their own. */
  readonly random?: () => number;
}

/** Why the connection is being made again. */
export type ReconnectReason = 'connection_lost' | 'server_restarting';

export interface ConnectorEvents {
  connected: { readonly resumed: boolean };
  /** The connection dropped; reconnecting starts. */
  dropped: { readonly code: number; readonly reason: ReconnectReason };
  /** The next attempt is due in `delayMs`. */
  waiting: {
    readonly attempt: number;
    readonly delayMs: number;
    readonly reason: ReconnectReason;
  };
  reconnecting: { readonly attempt: number; readonly reason: ReconnectReason };
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
  /** The server said it is restarting; cleared once a connection holds again. */
  #restarting = false;
  reconnects = 0;

  constructor(
    options: Omit<SignalingOptions, 'clock'> & { clock: Clock; reconnect?: ReconnectPolicy },
  ) {
    const { clock, reconnect, ...signaling } = options;
    this.#options = signaling;
    this.#clock = clock;
    this.#policy = {
      maxAttempts: reconnect?.maxAttempts ?? Number.POSITIVE_INFINITY,
      baseDelayMs: reconnect?.baseDelayMs ?? 200,
      maxDelayMs: reconnect?.maxDelayMs ?? 5_000,
      jitter: Math.min(1, Math.max(0, reconnect?.jitter ?? 0.5)),
      restartDelayMs: reconnect?.restartDelayMs ?? 1_000,
      random: reconnect?.random ?? Math.random,
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
    connection.events.on('message', (m) => {
      if (m.message.type === 'server-restarting') this.#restarting = true;
      this.events.emit('message', m);
    });
    connection.events.on('binary', (b) => this.events.emit('binary', b));
    connection.events.on('closed', (event) => {
      // A connection that never got `ready` is a failed attempt (open() rejects), not a drop.
      if (!established || this.#connection !== connection || this.#closed) return;
      this.#connection = undefined;
      this.events.emit('dropped', { code: event.code, reason: this.#reason() });
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
    const { maxAttempts } = this.#policy;
    let lastError: unknown;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const reason = this.#reason();
      const delayMs = this.#delay(attempt);
      this.events.emit('waiting', { attempt, delayMs, reason });
      await sleep(this.#clock, delayMs);
      if (this.#closed) return;
      this.events.emit('reconnecting', { attempt, reason });
      try {
        await this.#open();
        this.reconnects++;
        this.#restarting = false;
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

  #reason(): ReconnectReason {
    return this.#restarting ? 'server_restarting' : 'connection_lost';
  }

  /** Doubling from the base, capped (lower while the server restarts), less the random jitter. */
  #delay(attempt: number): number {
    const { baseDelayMs, maxDelayMs, restartDelayMs, jitter, random } = this.#policy;
    const cap = this.#restarting ? Math.min(maxDelayMs, restartDelayMs) : maxDelayMs;
    const full = Math.min(cap, baseDelayMs * 2 ** Math.min(attempt - 1, 30));
    return Math.round(full * (1 - jitter * random()));
  }
}

/** The connection a meeting joins over, with the join's options. */
export function meetingConnector(deps: MeetingDeps, options: JoinOptions): Connector {
  return new Connector({
    url: realtimeUrl(deps.server),
    factory: deps.webSocket,
    clock: deps.clock,
    hello: {
      type: 'hello',
      ...(deps.token === undefined ? {} : { token: deps.token }),
      deviceId: deps.device.identity.deviceId,
      client: deps.clientInfo,
    },
    ...(options.reconnect === undefined ? {} : { reconnect: options.reconnect }),
    ...(options.pingIntervalMs === undefined ? {} : { pingIntervalMs: options.pingIntervalMs }),
    ...(options.silenceTimeoutMs === undefined
      ? {}
      : { silenceTimeoutMs: options.silenceTimeoutMs }),
    // The join as a whole has its own deadline; a busy server may take long to say `ready`.
    openTimeoutMs: options.timeoutMs ?? 60_000,
  });
}
