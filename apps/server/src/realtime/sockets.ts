// Every signed-in signaling socket of this server, by session and by user: when a session ends
// here (sign-out, the user deleted or made to sign in again), its sockets are found without a
// scan and closed at once, their participants removed from their meetings; and a user's calls
// are told to all of that user's sockets.
import type { ServerMessage } from '@conclave/protocol';
import type { Peer } from './peer.ts';

export interface LiveSocket {
  readonly peer: Peer;
  /** The session ended: the participant leaves as `signed-out`, then the socket closes. */
  endSession(): void;
  /** The server shuts down: the socket is told `server-restarting`, then closed (1012). */
  serverRestarting(): void;
  /** Checks the socket's session now, as its periodic check does: ended, the socket ends. */
  checkSession(): Promise<void>;
}

export class Sockets {
  private readonly bySession = new Map<string, Set<LiveSocket>>();
  private readonly byUser = new Map<string, Set<LiveSocket>>();

  add(socket: LiveSocket): void {
    const { identity } = socket.peer;
    addTo(this.bySession, identity.sessionHash, socket);
    addTo(this.byUser, userKey(identity.tenantId, identity.user.id), socket);
  }

  delete(socket: LiveSocket): void {
    const { identity } = socket.peer;
    deleteFrom(this.bySession, identity.sessionHash, socket);
    deleteFrom(this.byUser, userKey(identity.tenantId, identity.user.id), socket);
  }

  /** Ends the sockets opened with this session; returns how many there were. */
  endSession(sessionHash: string): number {
    return endAll(this.bySession.get(sessionHash));
  }

  /** Every signed-in socket of this server. */
  all(): LiveSocket[] {
    return [...this.bySession.values()].flatMap((set) => [...set]);
  }

  /**
   * Sends `message` to every socket of this user, in a meeting or not (a call ringing reaches
   * whatever page they are on); returns how many there were.
   */
  tellUser(tenantId: string, userId: string, message: ServerMessage): number {
    const sockets = [...(this.byUser.get(userKey(tenantId, userId)) ?? [])];
    const text = JSON.stringify(message);
    for (const socket of sockets) socket.peer.send(message, text);
    return sockets.length;
  }

  /** Ends every socket of this user, whatever session opened it. */
  endUser(tenantId: string, userId: string): number {
    return endAll(this.byUser.get(userKey(tenantId, userId)));
  }
}

function userKey(tenantId: string, userId: string): string {
  return `${tenantId}/${userId}`;
}

function endAll(sockets: ReadonlySet<LiveSocket> | undefined): number {
  // A copy: each socket removes itself from the set as it closes.
  const ending = [...(sockets ?? [])];
  for (const socket of ending) socket.endSession();
  return ending.length;
}

function addTo(index: Map<string, Set<LiveSocket>>, key: string, socket: LiveSocket): void {
  let set = index.get(key);
  if (set === undefined) {
    set = new Set();
    index.set(key, set);
  }
  set.add(socket);
}

function deleteFrom(index: Map<string, Set<LiveSocket>>, key: string, socket: LiveSocket): void {
  const set = index.get(key);
  if (set === undefined) return;
  set.delete(socket);
  if (set.size === 0) index.delete(key);
}
