// One node of a cluster (docs/deploy.md, "Several nodes"): NATS links the nodes, PostgreSQL holds
// what they share. Each live meeting has one room, on the node holding its lease (its host); a
// participant whose socket reached another node joins through it (its gateway). A node that is
// lost — or this node's link to NATS — costs its cross-node participants their connection, never
// the meeting: they reconnect and resume the same MLS group on whichever node hosts it next.
import type { AppContext } from '../context.ts';
import type { JoinTarget } from '../realtime/admission.ts';
import type { RealtimeControl } from '../realtime/control.ts';
import type { Peer } from '../realtime/peer.ts';
import type { MediaRelay } from '../realtime/relay/index.ts';
import type { Rooms } from '../realtime/rooms.ts';
import type { ClientMessageOf } from '../realtime/signaling.ts';
import type { Sockets } from '../realtime/sockets.ts';
import { catchUp } from './catch-up.ts';
import { clusterControl, type ClusterControl } from './control-bus.ts';
import { provideLimitSharing } from '../http/shared-limits.ts';
import { prepareSignInLimits } from '../identity/sign-in.ts';
import { GatewaySide } from './gateway-side.ts';
import { HostSide } from './host-side.ts';
import { openClusterLink } from './link.ts';
import { natsLimitSharing } from './limit-sharing.ts';
import { NodeLiveness } from './liveness.ts';
import { MediaMesh } from './media-mesh.ts';
import { MeetingHosts } from './meeting-hosts.ts';
import type { ClusterSettings } from './settings.ts';

export { resolveClusterSettings, type ClusterOptions, type ClusterSettings } from './settings.ts';

/** What the realtime side asks of the cluster. */
export interface ClusterNode {
  readonly nodeId: string;
  readonly control: ClusterControl;
  /**
   * Puts `peer` into the meeting on whichever node hosts it: `joinHere` when this node does (or
   * takes it over), else through the host. `restart` closes the socket as a restarting server
   * would, so the client reconnects.
   */
  join(
    target: JoinTarget,
    peer: Peer,
    message: ClientMessageOf<'join'>,
    joinHere: () => Promise<void>,
    restart: () => void,
  ): Promise<void>;
  /** A room here closed: its lease is let go. */
  roomClosed(tenantId: string, meetingId: string): void;
  /** A write to a meeting's group found its lease held by another node: the room here goes. */
  leaseLost(tenantId: string, meetingId: string): void;
  /** Stops; `goodbye` (a drain) tells the others at once instead of letting them time out. */
  close(goodbye: boolean): Promise<void>;
}

/** Joins routed to a host that turns out not to host the meeting are routed again this often. */
const ROUTE_ATTEMPTS = 3;

export async function startClusterNode(
  settings: ClusterSettings,
  ctx: AppContext,
  rooms: Rooms,
  sockets: Sockets,
  relay: MediaRelay,
  local: RealtimeControl,
): Promise<ClusterNode> {
  const { nodeId } = settings;
  const link = await openClusterLink(settings.natsServers, nodeId, ctx.log);
  const liveness = new NodeLiveness(link, nodeId);
  // This node lost a meeting it hosted: everyone in its room here reconnects to the new host.
  const letGo = (tenantId: string, meetingId: string) => {
    ctx.log.info('cluster: a meeting moved to another node');
    host.evict(tenantId, meetingId);
    for (const live of sockets.all()) {
      const membership = live.peer.membership;
      if (live.peer.identity.tenantId === tenantId && membership?.meetingId === meetingId)
        live.serverRestarting();
    }
    rooms.letGo(tenantId, meetingId);
  };
  const hosts = new MeetingHosts(ctx.store, nodeId, liveness, ctx.now, letGo);
  const host = new HostSide(ctx, rooms, hosts, link, nodeId);
  const gateway = new GatewaySide(link, nodeId, relay, ctx.log);
  const mesh = new MediaMesh(relay, link);
  relay.connectPeers(mesh);
  const control = clusterControl(ctx, local, rooms, link, hosts, nodeId, () =>
    liveness.otherLiveNodes(),
  );
  const limits = natsLimitSharing(link, nodeId);
  provideLimitSharing(ctx, limits);
  prepareSignInLimits(ctx);

  liveness.onLost((lost) => {
    ctx.log.info('cluster: a node was lost', { node: lost });
    gateway.hostLost(lost);
    host.gatewayLost(lost);
  });
  link.onLinkChange((up) => {
    if (up) {
      // Joins asked while the link was down may never be answered: their clients join again now.
      gateway.unansweredJoinsLost();
      void catchUp({ meetings: ctx.store.meetings, rooms, sockets, local, control }).catch(() =>
        ctx.log.error('cluster: catching up after the link came back failed'),
      );
      return;
    }
    // Messages may have been lost while the link was down: nothing across nodes is trusted.
    gateway.hostLost();
    host.gatewayLost();
  });
  ctx.log.info('cluster: node started', { node: nodeId });

  return {
    nodeId,
    control,
    async join(target, peer, message, joinHere, restart) {
      for (let attempt = 0; attempt < ROUTE_ATTEMPTS; attempt++) {
        const route = await hosts.route(target.tenantId, target.meetingId);
        if (route.kind === 'here') {
          if (await hosts.movedDuring(target.tenantId, target.meetingId, joinHere)) restart();
          return;
        }
        if ((await gateway.join(route.host, peer, message, restart)) === 'done') return;
      }
      // The meeting keeps moving between nodes: the client reconnects and joins again.
      restart();
    },
    leaseLost(tenantId, meetingId) {
      hosts.lost(tenantId, meetingId);
    },
    roomClosed(tenantId, meetingId) {
      void hosts
        .release(tenantId, meetingId)
        .catch(() => ctx.log.error('cluster: letting go of a meeting failed'));
    },
    async close(goodbye) {
      hosts.close();
      control.close();
      limits.close();
      gateway.close();
      mesh.close();
      host.close();
      liveness.close(goodbye);
      await link.close();
    },
  };
}
