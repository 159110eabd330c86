// The host's half of a cross-node participant: a `RemotePeer` stands in the room for a socket on
// another node. The room treats it like any peer — admission, head count, MLS — and what it
// sends goes back over NATS. The host believes nothing the gateway says about who the participant
// is: it reads the session and device from the database, and re-reads the meeting's access rules.
import type { AppContext } from '../context.ts';
import { findTarget } from '../realtime/admission.ts';
import { authenticateSession, type SocketIdentity } from '../realtime/authenticate.ts';
import { parseEpoch } from '../realtime/bytes.ts';
import type { Membership, Peer, SharedRoute } from '../realtime/peer.ts';
import type { Rooms } from '../realtime/rooms.ts';
import { SerialQueue } from '../realtime/serial-queue.ts';
import { parseClientMessage, type ClientInfo, type ServerMessage } from '../realtime/signaling.ts';
import { decodeJson, encodeJson } from './json.ts';
import type { ClusterLink, Reply } from './link.ts';
import type { MeetingHosts } from './meeting-hosts.ts';
import { subjects } from './subjects.ts';
import { keyPackageFor } from '../realtime/room-types.ts';
import type {
  GatewayFanOut,
  GatewayForgotten,
  GatewaySignal,
  HostSignal,
  JoinAnswer,
  JoinAsk,
  MeetingAsk,
} from './wire.ts';

class RemotePeer implements Peer {
  joining = false;
  readonly queue: SerialQueue;
  readonly route: { readonly shared: SharedRoute; readonly address: string };
  #membership: Membership | undefined;

  constructor(
    readonly identity: SocketIdentity,
    readonly client: ClientInfo,
    readonly gateway: string,
    readonly conn: string,
    private readonly link: ClusterLink,
    shared: SharedRoute,
    private readonly onDetached: (peer: RemotePeer) => void,
    onError: () => void,
  ) {
    this.queue = new SerialQueue(onError);
    this.route = { shared, address: conn };
  }

  get membership(): Membership | undefined {
    return this.#membership;
  }

  set membership(next: Membership | undefined) {
    this.#membership = next;
    this.signal({
      op: 'membership',
      membership:
        next === undefined
          ? null
          : { meetingId: next.meetingId, participantId: next.participantId, relayId: next.relayId },
    });
    if (next === undefined && !this.joining) this.onDetached(this);
  }

  send(message: ServerMessage): void {
    this.signal({ op: 'send', message });
  }

  /** The gateway's relay serves this participant's socket (./media-mesh.ts). */
  relaySink(): undefined {
    return undefined;
  }

  evict(): void {
    this.signal({ op: 'evict' });
  }

  private signal(body: DistributiveOmit<GatewaySignal, 'conn'>): void {
    this.link.publish(
      subjects.gatewaySignal(this.gateway),
      encodeJson({ conn: this.conn, ...body }),
    );
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export class HostSide {
  private readonly peers = new Map<string, RemotePeer>();
  /** One shared route per gateway node (see SharedRoute). */
  private readonly routes = new Map<string, SharedRoute>();
  private readonly unsubscribe: Array<() => void>;

  constructor(
    private readonly ctx: AppContext,
    private readonly rooms: Rooms,
    private readonly hosts: MeetingHosts,
    private readonly link: ClusterLink,
    private readonly nodeId: string,
  ) {
    this.unsubscribe = [
      link.subscribe(subjects.hostJoin(nodeId), (_s, data, reply) => {
        if (reply !== undefined) void this.join(decodeJson(data) as JoinAsk, reply);
      }),
      link.subscribe(subjects.hostSignal(nodeId), (_s, data) =>
        this.signal(decodeJson(data) as HostSignal),
      ),
      link.subscribe(subjects.hostRoster(nodeId), (_s, data, reply) => {
        const ask = decodeJson(data) as MeetingAsk;
        reply?.(encodeJson(this.rooms.find(ask.tenantId, ask.meetingId)?.roster() ?? []));
      }),
      link.subscribe(subjects.hostRemoveUser(nodeId), (_s, data, reply) => {
        const ask = decodeJson(data) as MeetingAsk;
        const room = this.rooms.find(ask.tenantId, ask.meetingId);
        const removed = ask.userId === undefined ? [] : (room?.removeUser(ask.userId) ?? []);
        reply?.(encodeJson(removed));
      }),
    ];
  }

  /**
   * A gateway is gone (or, without one named, this node's link is): its participants left, as if
   * their sockets had closed.
   */
  gatewayLost(gateway?: string): void {
    for (const peer of [...this.peers.values()]) {
      if (gateway !== undefined && peer.gateway !== gateway) continue;
      this.peers.delete(key(peer.gateway, peer.conn));
      peer.queue.close();
      peer.membership?.room.leave(peer, 'disconnected');
    }
    // A node taken for lost may only have stalled: if it is alive, it hears that its participants
    // here are gone, and they reconnect rather than linger, forgotten, on a live socket.
    if (gateway !== undefined) {
      const forgot: GatewayForgotten = { op: 'host-forgot', host: this.nodeId };
      this.link.publish(subjects.gatewaySignal(gateway), encodeJson(forgot));
    }
  }

  /** This node no longer hosts the meeting: its remote participants are told to reconnect. */
  evict(tenantId: string, meetingId: string): void {
    for (const peer of [...this.peers.values()]) {
      if (peer.identity.tenantId !== tenantId || peer.membership?.meetingId !== meetingId) continue;
      this.peers.delete(key(peer.gateway, peer.conn));
      peer.queue.close();
      peer.evict();
    }
  }

  close(): void {
    for (const stop of this.unsubscribe) stop();
  }

  private async join(ask: JoinAsk, reply: Reply): Promise<void> {
    const answer = (value: JoinAnswer) => reply(encodeJson(value));
    try {
      const parsed = parseClientMessage(typeof ask.join === 'string' ? ask.join : '');
      if (parsed.kind === 'error' || parsed.message.type !== 'join') {
        answer({ ok: false, code: 'bad_message', message: 'That is not a join message.' });
        return;
      }
      const message = parsed.message;
      const who = await authenticateSession(
        this.ctx,
        String(ask.sessionHash),
        String(ask.deviceId),
      );
      if (who.kind !== 'ok') {
        answer({ ok: false, code: 'unauthenticated', message: 'Sign in first: no valid session.' });
        return;
      }
      const lookup = await findTarget(this.ctx, who.identity, message.meetingId);
      // (Waiting is the gateway's: a join reaches a host once the meeting has started.)
      if (lookup.kind !== 'found') {
        answer({ ok: false, blocked: lookup.reasons });
        return;
      }
      const { tenantId, meetingId } = lookup.target;
      if (!this.hosts.isHosting(tenantId, meetingId)) {
        answer({ ok: false, moved: true });
        return;
      }
      if (this.rooms.refusingJoins) {
        answer({
          ok: false,
          code: 'server_restarting',
          message: 'The server is restarting; join again in a moment.',
        });
        return;
      }
      const resumeEpoch =
        message.resumeEpoch === undefined ? undefined : parseEpoch(message.resumeEpoch);
      const k = key(ask.gateway, ask.conn);
      this.peers.get(k)?.membership?.room.leave(this.peers.get(k) as RemotePeer, 'disconnected');
      const peer = new RemotePeer(
        who.identity,
        ask.client,
        ask.gateway,
        ask.conn,
        this.link,
        this.routeTo(ask.gateway),
        (gone) => {
          if (this.peers.get(k) === gone) this.peers.delete(k);
        },
        () => {
          this.ctx.log.error('realtime message handling failed');
          peer.send({
            type: 'error',
            code: 'internal',
            message: 'The server could not handle that message.',
          });
        },
      );
      this.peers.set(k, peer);
      peer.joining = true;
      let moved: boolean;
      try {
        const { tenantId, meetingId } = lookup.target;
        moved = await this.hosts.movedDuring(tenantId, meetingId, () =>
          this.rooms
            .open(lookup.target)
            .join(peer, { keyPackage: keyPackageFor(lookup.target, message), resumeEpoch }),
        );
      } finally {
        peer.joining = false;
      }
      // The meeting moved while the join was decided: the gateway's client joins the new host.
      if (moved) peer.evict();
      if (peer.membership === undefined) this.peers.delete(k);
      answer({ ok: true });
    } catch {
      this.ctx.log.error('cluster: a cross-node join failed');
      answer({ ok: false, code: 'internal', message: 'The server could not handle that join.' });
    }
  }

  private routeTo(gateway: string): SharedRoute {
    let route = this.routes.get(gateway);
    if (route === undefined) {
      route = {
        send: (message, conns) => {
          const fanOut: GatewayFanOut = { op: 'send-many', conns, message };
          this.link.publish(subjects.gatewaySignal(gateway), encodeJson(fanOut));
        },
      };
      this.routes.set(gateway, route);
    }
    return route;
  }

  private signal(signal: HostSignal | undefined): void {
    if (signal === undefined) return;
    const peer = this.peers.get(key(signal.gateway, signal.conn));
    const membership = peer?.membership;
    if (peer === undefined || membership === undefined) {
      // A participant this host no longer has (let go while its gateway was taken for lost): its
      // client reconnects and joins again.
      if (signal.op === 'message') {
        this.link.publish(
          subjects.gatewaySignal(signal.gateway),
          encodeJson({ conn: signal.conn, op: 'evict' }),
        );
      }
      return;
    }
    switch (signal.op) {
      case 'leave':
        membership.room.leave(peer, signal.how);
        return;
      case 'signed-out':
        membership.room.remove(membership.participantId, 'signed-out');
        return;

      case 'message': {
        const parsed = parseClientMessage(signal.text);
        if (parsed.kind === 'error') return; // the gateway checked it; a bad one is not ours
        const message = parsed.message;
        if (message.type === 'hello' || message.type === 'ping' || message.type === 'join') return;
        if (message.type === 'leave') {
          membership.room.leave(peer, 'left');
          return;
        }
        void peer.queue.run(async () => {
          const now = peer.membership;
          if (now === undefined || now.meetingId !== message.meetingId) {
            peer.send({
              type: 'error',
              code: 'not_joined',
              message: 'This socket is not in that meeting.',
            });
            return;
          }
          await now.room.handle(peer, message);
        });
      }
    }
  }
}

function key(gateway: string, conn: string): string {
  return `${gateway}/${conn}`;
}
