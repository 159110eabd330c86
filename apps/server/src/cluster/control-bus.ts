// What the HTTP side asks of the realtime side, across the cluster. Sockets are on every node, so
// ending a session or a user's sessions, and re-checking a tenant's rules, is told to every node
// (each acts on what it holds) — a signed-out session's sockets close everywhere within a heartbeat
// of the request; a call's notices go to every node too, wherever its people's sockets are.
// A meeting's roster and removals are its host's: asked of that node directly.
// People waiting for a meeting to start wait on the node of their socket: every node is asked who
// waits, and told when the meeting changes.
import type { CallNotice } from '@conclave/protocol';
import type { AppContext } from '../context.ts';
import type { RealtimeControl } from '../realtime/control.ts';
import type { Waiter } from '../realtime/lobby.ts';
import type { RosterEntry } from '../realtime/room-types.ts';
import type { Rooms } from '../realtime/rooms.ts';
import type { AuditActor } from '../storage/records.ts';
import { decodeJson, encodeJson } from './json.ts';
import type { ClusterLink } from './link.ts';
import type { MeetingHosts } from './meeting-hosts.ts';
import { subjects } from './subjects.ts';

type ControlEvent = { readonly from: string } & (
  | { readonly kind: 'end-session'; readonly sessionHash: string }
  | { readonly kind: 'end-user'; readonly tenantId: string; readonly userId: string }
  | { readonly kind: 'rules-changed'; readonly tenantId: string; readonly actor: AuditActor | null }
  | { readonly kind: 'meeting-changed'; readonly tenantId: string; readonly meetingId: string }
  | {
      readonly kind: 'turn-away';
      readonly tenantId: string;
      readonly meetingId: string;
      readonly userId: string;
    }
  | {
      readonly kind: 'notify-user';
      readonly tenantId: string;
      readonly userId: string;
      readonly notice: CallNotice;
    }
  | {
      readonly kind: 'end-meeting';
      readonly tenantId: string;
      readonly meetingId: string;
      readonly host: string;
    }
);

const ASK_TIMEOUT_MS = 5_000;
/** A node that does not say who waits in its lobby within this is left out of the answer. */
const LOBBY_ASK_TIMEOUT_MS = 1_000;

export interface ClusterControl extends RealtimeControl {
  /** The meeting ended: its host lets everyone go and forgets the group. */
  endMeeting(tenantId: string, meetingId: string): Promise<void>;
  close(): void;
}

export function clusterControl(
  ctx: AppContext,
  local: RealtimeControl,
  rooms: Rooms,
  link: ClusterLink,
  hosts: MeetingHosts,
  nodeId: string,
  otherLiveNodes: () => string[],
): ClusterControl {
  const tell = (event: DistributiveOmit<ControlEvent, 'from'>) =>
    link.publish(subjects.control, encodeJson({ ...event, from: nodeId }));
  const endHere = async (tenantId: string, meetingId: string) => {
    await rooms.end(tenantId, meetingId);
    await hosts.release(tenantId, meetingId);
  };
  const stop = link.subscribe(subjects.control, (_subject, data) => {
    const event = decodeJson(data) as ControlEvent | undefined;
    if (event === undefined || event.from === nodeId) return;
    switch (event.kind) {
      case 'end-session':
        local.endSession(event.sessionHash);
        return;
      case 'end-user':
        local.endUserSessions(event.tenantId, event.userId);
        return;
      case 'rules-changed':
        void local.rulesChanged(event.tenantId, event.actor);
        return;
      case 'meeting-changed':
        local.meetingChanged(event.tenantId, event.meetingId);
        return;
      case 'turn-away':
        local.turnAway(event.tenantId, event.meetingId, event.userId);
        return;
      case 'notify-user':
        local.notifyUser(event.tenantId, event.userId, event.notice);
        return;
      case 'end-meeting':
        if (event.host === nodeId)
          void endHere(event.tenantId, event.meetingId).catch(() =>
            ctx.log.error('realtime: ending a meeting failed'),
          );
    }
  });
  const stopLobby = link.subscribe(subjects.nodeLobby(nodeId), (_subject, data, reply) => {
    const asked = decodeJson(data) as { tenantId?: unknown; meetingId?: unknown } | undefined;
    if (reply === undefined) return;
    if (typeof asked?.tenantId !== 'string' || typeof asked.meetingId !== 'string')
      return reply(encodeJson([]));
    void local.lobby(asked.tenantId, asked.meetingId).then((waiting) => reply(encodeJson(waiting)));
  });
  /** The live node hosting a meeting, when it is not this one. */
  const remoteHost = async (tenantId: string, meetingId: string) => {
    const holder = await hosts.holder(tenantId, meetingId);
    return holder === undefined || holder === nodeId ? undefined : holder;
  };
  const ask = async <T>(
    subject: string,
    body: unknown,
    fallback: T,
    timeoutMs = ASK_TIMEOUT_MS,
  ): Promise<T> => {
    try {
      return (decodeJson(await link.request(subject, encodeJson(body), timeoutMs)) ??
        fallback) as T;
    } catch {
      return fallback; // the host is gone: nobody is connected to it any more
    }
  };

  return {
    async roster(tenantId, meetingId) {
      const host = await remoteHost(tenantId, meetingId);
      if (host === undefined) return local.roster(tenantId, meetingId);
      return ask<RosterEntry[]>(subjects.hostRoster(host), { tenantId, meetingId }, []);
    },
    async removeUser(tenantId, meetingId, userId) {
      const host = await remoteHost(tenantId, meetingId);
      if (host === undefined) return local.removeUser(tenantId, meetingId, userId);
      return ask<string[]>(subjects.hostRemoveUser(host), { tenantId, meetingId, userId }, []);
    },
    async lobby(tenantId, meetingId) {
      const everywhere = await Promise.all([
        local.lobby(tenantId, meetingId),
        ...otherLiveNodes().map((node) =>
          ask<Waiter[]>(
            subjects.nodeLobby(node),
            { tenantId, meetingId },
            [],
            LOBBY_ASK_TIMEOUT_MS,
          ),
        ),
      ]);
      return everywhere
        .flatMap((waiting) => (Array.isArray(waiting) ? waiting : []))
        .sort((a, b) => a.since - b.since);
    },
    meetingChanged(tenantId, meetingId) {
      local.meetingChanged(tenantId, meetingId);
      tell({ kind: 'meeting-changed', tenantId, meetingId });
    },
    turnAway(tenantId, meetingId, userId) {
      local.turnAway(tenantId, meetingId, userId);
      tell({ kind: 'turn-away', tenantId, meetingId, userId });
    },
    endSession(sessionHash) {
      local.endSession(sessionHash);
      tell({ kind: 'end-session', sessionHash });
    },
    endUserSessions(tenantId, userId) {
      local.endUserSessions(tenantId, userId);
      tell({ kind: 'end-user', tenantId, userId });
    },
    notifyUser(tenantId, userId, notice) {
      local.notifyUser(tenantId, userId, notice);
      tell({ kind: 'notify-user', tenantId, userId, notice });
    },
    async rulesChanged(tenantId, actor) {
      tell({ kind: 'rules-changed', tenantId, actor });
      await local.rulesChanged(tenantId, actor);
    },
    async endMeeting(tenantId, meetingId) {
      const host = await remoteHost(tenantId, meetingId);
      if (host === undefined) await endHere(tenantId, meetingId);
      else tell({ kind: 'end-meeting', tenantId, meetingId, host });
    },
    close() {
      stop();
      stopLobby();
    },
  };
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
