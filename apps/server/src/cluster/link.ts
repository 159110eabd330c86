// This node's connection to NATS, the cluster's message bus: publish, subscribe, request, and
// whether the link is up. The client reconnects without a limit; while it is down, nothing that
// crosses nodes is trusted to have arrived, so listeners hear of it and let go of cross-node state
// (./index.ts) — core NATS delivers at most once and a gap would leave a room half-informed.
import { connect, Events, type NatsConnection } from 'nats';
import { ServerError } from '../errors.ts';
import type { Logger } from '../log.ts';

export type MessageHandler = (subject: string, data: Uint8Array, reply: Reply | undefined) => void;
export type Reply = (data: Uint8Array) => void;

export interface ClusterLink {
  publish(subject: string, data: Uint8Array): void;
  /** Subscribes until the returned function is called. */
  subscribe(subject: string, handler: MessageHandler): () => void;
  request(subject: string, data: Uint8Array, timeoutMs: number): Promise<Uint8Array>;
  /** Called with false when the link drops and true when it is back. */
  onLinkChange(listener: (up: boolean) => void): void;
  readonly up: boolean;
  close(): Promise<void>;
}

/** How long the first connection may take before the start is refused. */
const FIRST_CONNECT_TIMEOUT_MS = 5_000;

export async function openClusterLink(
  servers: readonly string[],
  nodeId: string,
  log: Logger,
): Promise<ClusterLink> {
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: [...servers],
      name: `conclave-${nodeId}`,
      timeout: FIRST_CONNECT_TIMEOUT_MS,
      reconnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      // A node never needs its own messages back: media it published is already delivered here.
      noEcho: true,
      // A dead server is noticed within about three seconds, like a dead node (./liveness.ts).
      pingInterval: 1_000,
      maxPingOut: 3,
    });
  } catch {
    throw new ServerError(
      'UNAVAILABLE',
      `Cannot reach NATS at ${servers.join(', ')}: start nats-server (with -js) or fix CONCLAVE_NATS_URL.`,
    );
  }
  const listeners: Array<(up: boolean) => void> = [];
  let up = true;
  const setUp = (next: boolean) => {
    if (next === up) return;
    up = next;
    log.info(next ? 'cluster: NATS link back' : 'cluster: NATS link lost');
    for (const listener of listeners) listener(next);
  };
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === Events.Disconnect) setUp(false);
      else if (status.type === Events.Reconnect) setUp(true);
    }
  })().catch(() => undefined);

  return {
    publish(subject, data) {
      if (!nc.isClosed()) nc.publish(subject, data);
    },
    subscribe(subject, handler) {
      const subscription = nc.subscribe(subject, {
        callback: (error, message) => {
          if (error !== null) return;
          const reply =
            message.reply === undefined || message.reply === ''
              ? undefined
              : (data: Uint8Array) => void message.respond(data);
          try {
            handler(message.subject, message.data, reply);
          } catch {
            log.error('cluster: a message handler failed', { subject: subjectKind(subject) });
          }
        },
      });
      return () => subscription.unsubscribe();
    },
    async request(subject, data, timeoutMs) {
      const answer = await nc.request(subject, data, { timeout: timeoutMs });
      return answer.data;
    },
    onLinkChange(listener) {
      listeners.push(listener);
    },
    get up() {
      return up;
    },
    async close() {
      if (nc.isClosed()) return;
      await nc.drain().catch(() => nc.close());
    },
  };
}

/** The subject's first two tokens: enough to say which kind failed, without ids in the log. */
function subjectKind(subject: string): string {
  return subject.split('.').slice(0, 2).join('.');
}
