// The user's calls as they happen, on a socket of their own that joins no meeting: a call ringing
// for them, cancelled or missed; for their own calls, accepted or declined; either, ended. Kept
// open for as long as the app runs (reconnecting without a limit after a drop), so a call rings
// on whatever page the person is. A notice is a nudge: read the call (`GET /api/calls/:id`) for
// the truth — a notice sent while the socket was down is not sent again.
import type { Clock } from '../clock.ts';
import { Emitter } from '../emitter.ts';
import type { ClientError } from '../errors.ts';
import { Connector } from '../meeting/connector.ts';
import { realtimeUrl, type WebSocketFactory } from '../transport/websocket.ts';
import { callNoticeTypes, type CallNotice, type ClientInfo } from '../wire.ts';

export interface CallNoticeEvents {
  notice: CallNotice;
  /** The socket is up (again): notices missed while it was down are not repeated. */
  connected: { readonly resumed: boolean };
  /** Gave up (the session ended): no more notices. */
  lost: ClientError;
}

export interface CallNoticeDeps {
  readonly server: string;
  readonly token: string | undefined;
  readonly deviceId: string;
  readonly clientInfo: ClientInfo;
  readonly webSocket: WebSocketFactory;
  readonly clock: Clock;
}

const isCallNotice = (type: string): type is CallNotice['type'] =>
  (callNoticeTypes as readonly string[]).includes(type);

export class CallNotices {
  readonly events = new Emitter<CallNoticeEvents>();
  readonly #connector: Connector;

  constructor(deps: CallNoticeDeps) {
    this.#connector = new Connector({
      url: realtimeUrl(deps.server),
      factory: deps.webSocket,
      clock: deps.clock,
      hello: {
        type: 'hello',
        ...(deps.token === undefined ? {} : { token: deps.token }),
        deviceId: deps.deviceId,
        client: deps.clientInfo,
      },
      // Up to 30 s apart: a laptop waking up rings again within half a minute.
      reconnect: { baseDelayMs: 1_000, maxDelayMs: 30_000 },
    });
    this.#connector.events.on('message', ({ message }) => {
      if (isCallNotice(message.type)) this.events.emit('notice', message as CallNotice);
    });
    this.#connector.events.on('connected', (c) => this.events.emit('connected', c));
    this.#connector.events.on('lost', (error) => this.events.emit('lost', error));
  }

  /** Resolves once the socket is ready; rejects if the first connection cannot be made. */
  start(): Promise<void> {
    return this.#connector.start();
  }

  /** Idempotent; no reconnect follows. */
  close(): void {
    this.#connector.close();
  }
}
