// What the HTTP routes may ask of the realtime side: the live roster and lobby of a meeting, a
// meeting that changed, taking a user out of one, ending the sockets of a session or user
// that was signed out, and telling a user's sockets about their calls. The routes are built before the realtime side registers on the app, so they
// find it through the server's context at request time; a server without realtime answers with an
// empty room.
import type { CallNotice } from '@conclave/protocol';
import type { AppContext } from '../context.ts';
import type { AuditActor } from '../storage/records.ts';
import type { Lobby, Waiter } from './lobby.ts';
import { recheckTenant } from './recheck.ts';
import type { RosterEntry } from './room-types.ts';
import type { Rooms } from './rooms.ts';
import type { Sockets } from './sockets.ts';

export interface RealtimeControl {
  /** Who is connected to the meeting now, in the order they joined; empty if nobody is. */
  roster(tenantId: string, meetingId: string): Promise<RosterEntry[]>;
  /**
   * Takes every participant of `userId` out of the meeting now and refuses their joins for the
   * rest of this run (the caller recorded the removal first). Returns the participants removed.
   */
  removeUser(tenantId: string, meetingId: string, userId: string): Promise<string[]>;
  /** Who waits for the meeting to start, on every node; longest-waiting first. */
  lobby(tenantId: string, meetingId: string): Promise<Waiter[]>;
  /**
   * The meeting started, ended or was deleted: the joins waiting for it are made again on every
   * node (they enter, are refused, or wait on).
   */
  meetingChanged(tenantId: string, meetingId: string): void;
  /** An organizer turned `userId` away from the lobby: their waiting joins are told, on every node. */
  turnAway(tenantId: string, meetingId: string, userId: string): void;
  /** A session was signed out: its sockets leave their meetings and close. */
  endSession(sessionHash: string): void;
  /** All of a user's sessions ended (deleted, password reset): every socket of theirs closes. */
  endUserSessions(tenantId: string, userId: string): void;
  /**
   * Something outside the admin API changed who is admitted (a single sign-on moved a user's
   * groups): everyone in the tenant's live E2EE meetings is checked again.
   */
  rulesChanged(tenantId: string, actor: AuditActor | null): Promise<void>;
  /** Tells every signed-in socket of the user, on every node, about one of their calls. */
  notifyUser(tenantId: string, userId: string, notice: CallNotice): void;
}

const controls = new WeakMap<AppContext, RealtimeControl>();

const absent: RealtimeControl = {
  roster: () => Promise.resolve([]),
  removeUser: () => Promise.resolve([]),
  lobby: () => Promise.resolve([]),
  meetingChanged: () => undefined,
  turnAway: () => undefined,
  endSession: () => undefined,
  endUserSessions: () => undefined,
  rulesChanged: () => Promise.resolve(),
  notifyUser: () => undefined,
};

/** What this server alone can do: its own rooms and sockets (a cluster adds the others'). */
export function localControl(
  ctx: AppContext,
  rooms: Rooms,
  sockets: Sockets,
  lobby: Lobby,
): RealtimeControl {
  return {
    roster: (tenantId, meetingId) =>
      Promise.resolve(rooms.find(tenantId, meetingId)?.roster() ?? []),
    removeUser: (tenantId, meetingId, userId) =>
      Promise.resolve(rooms.find(tenantId, meetingId)?.removeUser(userId) ?? []),
    lobby: (tenantId, meetingId) => Promise.resolve(lobby.list(tenantId, meetingId)),
    meetingChanged: (tenantId, meetingId) => void lobby.release(tenantId, meetingId),
    turnAway: (tenantId, meetingId, userId) => void lobby.turnAway(tenantId, meetingId, userId),
    endSession: (sessionHash) => void sockets.endSession(sessionHash),
    endUserSessions: (tenantId, userId) => void sockets.endUser(tenantId, userId),
    rulesChanged: async (tenantId, actor) => {
      await recheckTenant(ctx, rooms, tenantId, actor).catch(() =>
        ctx.log.error('realtime: re-checking participants after a change failed'),
      );
    },
    notifyUser: (tenantId, userId, notice) => void sockets.tellUser(tenantId, userId, notice),
  };
}

export function provideRealtime(ctx: AppContext, control: RealtimeControl): void {
  controls.set(ctx, control);
}

export function realtimeOf(ctx: AppContext): RealtimeControl {
  return controls.get(ctx) ?? absent;
}
