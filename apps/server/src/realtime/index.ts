// The server's realtime side (docs/meeting-flow.md): the authenticated signaling WebSocket at
// `GET /api/realtime`, admission under governance §5, the MLS delivery service of E2EE meetings
// and calls, server-held media keys for standard ones, chat, and the SFrame media relay on the
// same socket. Registered on the Fastify app before it listens. The HTTP routes reach the live
// rooms and sockets through ./control.ts (roster, removal, sign-out).
import websocket from '@fastify/websocket';
import { createMlsCrypto } from '@conclave/crypto/server';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import { authenticate } from '../http/auth.ts';
import { cookieToken } from './authenticate.ts';
import { serveSocket, signalingCloseCodes } from './connection.ts';
import { localControl, provideRealtime } from './control.ts';
import { Lobby } from './lobby.ts';
import { startClusterNode, type ClusterSettings } from '../cluster/index.ts';
import { ExternalSenders } from './mls/external-senders.ts';
import { resolveRealtimeOptions, type RealtimeOptions } from './options.ts';
import { MediaRelay } from './relay/index.ts';
import { Rooms } from './rooms.ts';
import { SIGNALING_PATH } from './signaling.ts';
import { Sockets } from './sockets.ts';

export { defaultRealtimeOptions, type RealtimeOptions } from './options.ts';
export { signalingCloseCodes } from './connection.ts';

const USED_KEY_PACKAGE_SWEEP_MS = 60 * 60 * 1000;
const MEETING_END_ROUTE = '/api/meetings/:id/end';
/** Routes after which the joins waiting for a meeting are made again (./lobby.ts). */
const MEETING_CHANGE_ROUTES = new Set([
  'POST /api/meetings/:id/start',
  `POST ${MEETING_END_ROUTE}`,
]);

/** Changes under this prefix may change who the rules admit to an E2EE meeting. */
const ADMIN_PREFIX = '/api/admin/';

export async function registerRealtime(
  app: FastifyInstance,
  ctx: AppContext,
  options: RealtimeOptions = {},
  clusterSettings?: ClusterSettings,
): Promise<void> {
  const resolved = resolveRealtimeOptions(options);
  const crypto = await createMlsCrypto();
  const pqCrypto = await createMlsCrypto({ meetingSuite: 'post-quantum' });
  const relay = new MediaRelay();
  const rooms = new Rooms({
    ctx,
    relay,
    crypto,
    pqCrypto,
    senders: new ExternalSenders(crypto, ctx.store, ctx.now, ctx.externalSenderVault),
    options: resolved,
    // A group write that finds another node hosting the meeting: this node lets it go at once,
    // not at its next lease renewal.
    hostLease:
      clusterSettings === undefined
        ? undefined
        : {
            nodeId: clusterSettings.nodeId,
            lost: (tenantId, meetingId) => cluster?.leaseLost(tenantId, meetingId),
          },
  });
  const sockets = new Sockets();
  const lobby = new Lobby();
  const local = localControl(ctx, rooms, sockets, lobby);
  const cluster =
    clusterSettings === undefined
      ? undefined
      : await startClusterNode(clusterSettings, ctx, rooms, sockets, relay, local);
  if (cluster !== undefined)
    rooms.onRoomClosed = (tenantId, meetingId) => cluster.roomClosed(tenantId, meetingId);
  const control = cluster?.control ?? local;
  const deps = { ctx, rooms, sockets, lobby, options: resolved, cluster };
  provideRealtime(ctx, control);
  ctx.metrics?.watchRooms(() => rooms.liveCounts());
  ctx.metrics?.watchRelay(
    () => relay.stats(),
    () => relay.queuedBytes(),
  );

  await app.register(websocket, {
    options: { maxPayload: resolved.maxMessageBytes, perMessageDeflate: false },
    // Graceful: no more joins, in-flight commits finish (bounded), every participant is told the
    // server is restarting, then the sockets close. The groups stay in the database, so members
    // resume into them when the server is back.
    preClose(done) {
      void rooms
        .drain(resolved.shutdownGraceMs)
        .catch(() => ctx.log.error('realtime: settling rooms at shutdown failed'))
        .finally(async () => {
          // Cross-node participants hear of it from the goodbye, not after a heartbeat time-out.
          await cluster?.close(true).catch(() => ctx.log.error('cluster: closing failed'));
          rooms.close();
          relay.close();
          for (const live of sockets.all()) live.serverRestarting();
          for (const client of app.websocketServer.clients)
            client.close(signalingCloseCodes.serverRestarting, 'server_restarting');
          done();
        });
    },
  });

  app.get(SIGNALING_PATH, { websocket: true }, (socket, request) => {
    serveSocket(socket, cookieToken(request.cookies), deps);
  });

  // A meeting that ends lets its participants go and forgets its MLS group. The meetings routes
  // belong to the HTTP side; the realtime side only watches for a successful end.
  app.addHook('onResponse', async (request, reply) => {
    if (request.method !== 'POST' || request.routeOptions.url !== MEETING_END_ROUTE) return;
    if (reply.statusCode !== 200) return;
    const meetingId = (request.params as { id?: unknown }).id;
    const session = await authenticate(ctx, request).catch(() => undefined);
    if (session === undefined || typeof meetingId !== 'string') return;
    await (
      cluster === undefined
        ? rooms.end(session.tenantId, meetingId)
        : cluster.control.endMeeting(session.tenantId, meetingId)
    ).catch(() => ctx.log.error('realtime: ending a meeting failed'));
  });

  // A meeting that started (or ended) lets the people waiting for it in (or tells them it ended).
  app.addHook('onResponse', async (request, reply) => {
    if (!MEETING_CHANGE_ROUTES.has(`${request.method} ${request.routeOptions.url ?? ''}`)) return;
    if (reply.statusCode >= 300) return;
    const meetingId = (request.params as { id?: unknown }).id;
    const session = await authenticate(ctx, request).catch(() => undefined);
    if (session === undefined || typeof meetingId !== 'string') return;
    control.meetingChanged(session.tenantId, meetingId);
  });

  // An admin change (a user's licence or role, groups, policies, assignments, the tenant's E2EE
  // settings) may mean someone in a live E2EE meeting is no longer admitted: check them again.
  app.addHook('onResponse', async (request, reply) => {
    if (request.method === 'GET' || !request.routeOptions.url?.startsWith(ADMIN_PREFIX)) return;
    if (reply.statusCode >= 300) return;
    const session = await authenticate(ctx, request).catch(() => undefined);
    if (session === undefined) return;
    const actor = { id: session.user.id, displayName: session.user.displayName };
    await control.rulesChanged(session.tenantId, actor);
  });

  const sweep = setInterval(() => {
    ctx.store.realtime
      .pruneUsedKeyPackages(ctx.now())
      .catch(() => ctx.log.error('realtime: KeyPackage sweep failed'));
  }, USED_KEY_PACKAGE_SWEEP_MS);
  sweep.unref();
  const lobbyRecheck =
    resolved.lobbyRecheckMs > 0
      ? setInterval(() => lobby.releaseAll(), resolved.lobbyRecheckMs)
      : undefined;
  lobbyRecheck?.unref();
  app.addHook('onClose', (_instance, done) => {
    clearInterval(sweep);
    clearInterval(lobbyRecheck);
    done();
  });
}
