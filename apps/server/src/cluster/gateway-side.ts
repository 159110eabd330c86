// The gateway's half of a cross-node participant: the socket is here, the meeting's room is on its
// host. The connection keeps working as for a local meeting — it validates, rate-limits and times
// out the socket — while its membership's room forwards to the host over NATS. Its media is this
// node's relay's, like a local participant's (./media-mesh.ts carries it to the other nodes).
import type { ClientMessageOf } from '../realtime/signaling.ts';
import type { MeetingRoom, Peer } from '../realtime/peer.ts';
import type { MediaRelay, RelayMember } from '../realtime/relay/index.ts';
import { relayNoticeForwarder } from '../realtime/relay-notices.ts';
import { roomKey } from '../realtime/room.ts';
import type { LeaveHow } from '../realtime/room-types.ts';
import { decodeJson, encodeJson } from './json.ts';
import type { Logger } from '../log.ts';
import type { ClusterLink } from './link.ts';
import { subjects } from './subjects.ts';
import type {
  GatewayFanOut,
  GatewayForgotten,
  GatewaySignal,
  HostSignal,
  JoinAnswer,
} from './wire.ts';

/**
 * A host that does not answer a join in this time is treated as gone for this join. A host that
 * is gone is found sooner (no responders, or its heartbeats stop: ./liveness.ts); a live host in a
 * join storm decides joins one at a time, so this waits as long as a client would. Shorter, and a
 * busy host's queued joins time out, their clients reconnect and join again behind them — a storm
 * that feeds itself.
 */
const JOIN_TIMEOUT_MS = 120_000;

interface Forwarded {
  readonly conn: string;
  readonly host: string;
  readonly peer: Peer;
  /** Tells the client the server is restarting and closes its socket (it reconnects). */
  readonly restart: () => void;
  room: MeetingRoom | undefined;
  /** The socket in this node's relay, while it is in the meeting. */
  relay: RelayMember | undefined;
}

export type RemoteJoin = 'done' | 'moved';

/** Given-up joins remembered so a late admission is undone (oldest forgotten past this). */
const ABANDONED_KEPT = 10_000;

export class GatewaySide {
  private readonly forwarded = new Map<string, Forwarded>();
  /**
   * Joins this gateway gave up on (unanswered, or asked while the link was down) whose client
   * joins again: should the host admit one after all, it is told at once that the socket left —
   * otherwise a participant nobody is connected as would stay in its room.
   */
  private readonly abandoned = new Map<string, Forwarded>();
  private nextConn = 0;
  private readonly unsubscribe: Array<() => void>;

  constructor(
    private readonly link: ClusterLink,
    private readonly nodeId: string,
    private readonly relay: MediaRelay,
    private readonly log: Logger,
  ) {
    this.unsubscribe = [
      link.subscribe(subjects.gatewaySignal(nodeId), (_s, data) =>
        this.signal(
          decodeJson(data) as GatewaySignal | GatewayFanOut | GatewayForgotten | undefined,
        ),
      ),
    ];
  }

  /** Joins `peer` to the meeting its host runs; `moved` if that node no longer hosts it. */
  async join(
    host: string,
    peer: Peer,
    message: ClientMessageOf<'join'>,
    restart: () => void,
  ): Promise<RemoteJoin> {
    const conn = String(++this.nextConn);
    const entry: Forwarded = {
      conn,
      host,
      peer,
      restart,
      room: undefined,
      relay: undefined,
    };
    this.forwarded.set(conn, entry);
    let answer: JoinAnswer | undefined;
    try {
      const data = await this.link.request(
        subjects.hostJoin(host),
        encodeJson({
          gateway: this.nodeId,
          conn,
          sessionHash: peer.identity.sessionHash,
          deviceId: peer.identity.device.id,
          client: peer.client,
          join: JSON.stringify(message),
        }),
        JOIN_TIMEOUT_MS,
      );
      answer = decodeJson(data) as JoinAnswer | undefined;
    } catch {
      answer = undefined;
    }
    if (this.abandoned.has(conn)) {
      if (answer !== undefined) this.abandoned.delete(conn);
      if (answer?.ok === true) this.toHost(entry, { op: 'leave', how: 'disconnected' });
      return 'done';
    }
    if (entry.room === undefined) this.forwarded.delete(conn);
    if (answer === undefined) {
      this.log.info('cluster: a join went unanswered', { host });
      this.abandon(entry);
      // The host is gone but not yet known to be (a node is lost after a few missed heartbeats):
      // the client reconnects and joins again, by then routed to a live host.
      restart();
      return 'done';
    }
    if (answer.ok) return 'done';
    if ('moved' in answer) return 'moved';
    if ('blocked' in answer) {
      peer.send({
        type: 'join-blocked',
        meetingId: message.meetingId,
        reasons: [...answer.blocked],
      });
      return 'done';
    }
    peer.send({ type: 'error', code: answer.code, message: answer.message });
    return 'done';
  }

  /**
   * The host is gone (or, without a host named, this node's link is): its participants here
   * reconnect elsewhere.
   */
  hostLost(host?: string): void {
    for (const entry of [...this.forwarded.values()]) {
      if (host !== undefined && entry.host !== host) continue;
      // A join still being decided there is given up too: should it be admitted after all, the
      // host is told the socket left.
      if (entry.room === undefined) this.abandon(entry);
      this.detach(entry);
      entry.restart();
    }
  }

  /** Joins still waiting for their host's answer are given up: their clients join again. */
  unansweredJoinsLost(): void {
    for (const entry of [...this.forwarded.values()]) {
      if (entry.room !== undefined) continue;
      this.forwarded.delete(entry.conn);
      this.abandon(entry);
      entry.restart();
    }
  }

  private abandon(entry: Forwarded): void {
    if (this.abandoned.size >= ABANDONED_KEPT) {
      const oldest = this.abandoned.keys().next();
      if (oldest.done !== true) this.abandoned.delete(oldest.value);
    }
    this.abandoned.set(entry.conn, entry);
  }

  close(): void {
    for (const stop of this.unsubscribe) stop();
  }

  private signal(signal: GatewaySignal | GatewayFanOut | GatewayForgotten | undefined): void {
    if (signal?.op === 'host-forgot') {
      this.log.info('cluster: a host let go of our participants', { host: signal.host });
      this.hostLost(signal.host);
      return;
    }
    if (signal?.op === 'send-many') {
      const text = JSON.stringify(signal.message);
      for (const conn of signal.conns) this.forwarded.get(conn)?.peer.send(signal.message, text);
      return;
    }
    if (signal === undefined) return;
    const late = this.abandoned.get(signal.conn);
    if (late !== undefined && signal.op === 'membership' && signal.membership !== null) {
      this.abandoned.delete(signal.conn);
      this.toHost(late, { op: 'leave', how: 'disconnected' });
      return;
    }
    const entry = this.forwarded.get(signal.conn);
    if (entry === undefined) return;
    switch (signal.op) {
      case 'send':
        entry.peer.send(signal.message);
        return;
      case 'evict':
        this.detach(entry);
        entry.restart();
        return;
      case 'membership': {
        const joined = signal.membership;
        if (joined === null) {
          this.detach(entry);
          return;
        }
        const relay = this.joinRelay(entry, joined.meetingId, joined.relayId);
        if (relay === undefined) {
          // This node is shutting down; the client reconnects to another.
          this.detach(entry);
          entry.restart();
          return;
        }
        const room = this.roomFor(entry);
        entry.room = room;
        entry.relay = relay;
        entry.peer.membership = {
          room,
          meetingId: joined.meetingId,
          participantId: joined.participantId,
          relayId: joined.relayId,
          relay,
        };
      }
    }
  }

  private detach(entry: Forwarded): void {
    this.forwarded.delete(entry.conn);
    // Media to this socket stops first; the host already told the participant why.
    entry.relay?.leave('left');
    entry.relay = undefined;
    if (entry.room !== undefined && entry.peer.membership?.room === entry.room)
      entry.peer.membership = undefined;
    entry.room = undefined;
  }

  private toHost(entry: Forwarded, body: DistributiveOmit<HostSignal, 'gateway' | 'conn'>): void {
    this.link.publish(
      subjects.hostSignal(entry.host),
      encodeJson({ gateway: this.nodeId, conn: entry.conn, ...body }),
    );
  }

  private roomFor(entry: Forwarded): MeetingRoom {
    return {
      handle: async (_peer, message) => {
        this.toHost(entry, { op: 'message', text: JSON.stringify(message) });
        return Promise.resolve();
      },
      leave: (_peer, how: LeaveHow) => {
        // Media to this socket stops here at once; the host's room hears of it next.
        this.detach(entry);
        this.toHost(entry, { op: 'leave', how });
      },
      remove: (_participantId, reason) => {
        // Only a session ending here takes a participant out from this side. The socket closes
        // right after, before the host's answer could arrive: the participant hears why from here.
        const meetingId = entry.peer.membership?.meetingId;
        if (reason !== 'signed-out' || meetingId === undefined) return false;
        this.detach(entry);
        entry.peer.send({ type: 'removed', meetingId, reason });
        this.toHost(entry, { op: 'signed-out' });
        return true;
      },
    };
  }

  /** The socket joins this node's relay under the meeting's key, with the host's relay id. */
  private joinRelay(entry: Forwarded, meetingId: string, relayId: number): RelayMember | undefined {
    const { peer } = entry;
    const sink = peer.relaySink(relayNoticeForwarder(peer, meetingId));
    if (sink === undefined) return undefined;
    const joined = this.relay.join(roomKey(peer.identity.tenantId, meetingId), relayId, sink);
    return joined.kind === 'joined' ? joined.member : undefined;
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
