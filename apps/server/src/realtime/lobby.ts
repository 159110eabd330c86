// People waiting to enter a meeting (governance.md §5): for it to start, or — neither organizer
// nor invited — for an organizer to let them in. A person waits on the node that holds their
// socket: the join they sent is kept, and made again whenever the meeting changes (started,
// ended, someone let in). The join decides afresh: it enters, is refused an ended meeting, or
// waits again if nothing it needs has happened — so a missed or repeated change is harmless.
// Someone an organizer turns away is told so and stops waiting.

/** Who is waiting, as the organizer sees it. */
export interface Waiter {
  readonly userId: string;
  readonly displayName: string;
  readonly deviceId: string;
  /** When they started waiting (epoch ms). */
  readonly since: number;
  /** For the meeting to start, or for an organizer to let them in. */
  readonly waitingFor: 'start' | 'admission';
}

interface Entry {
  readonly key: string;
  readonly waiter: Waiter;
  /** Sends this socket's join again (through its own message queue). */
  readonly rejoin: () => void;
  /** Tells this socket its join was turned away. */
  readonly turnAway: () => void;
}

/** `token`: the socket; one waiting join per socket (a new join replaces its older one). */
export class Lobby {
  private readonly byMeeting = new Map<string, Map<object, Entry>>();
  private readonly bySocket = new Map<object, Entry>();

  wait(
    tenantId: string,
    meetingId: string,
    token: object,
    waiter: Waiter,
    answer: Pick<Entry, 'rejoin' | 'turnAway'>,
  ) {
    this.leave(token);
    const entry = { key: meetingKey(tenantId, meetingId), waiter, ...answer };
    let waiting = this.byMeeting.get(entry.key);
    if (waiting === undefined) this.byMeeting.set(entry.key, (waiting = new Map<object, Entry>()));
    waiting.set(token, entry);
    this.bySocket.set(token, entry);
  }

  /** The socket joined, closed or sent another join: it no longer waits. */
  leave(token: object): void {
    const entry = this.bySocket.get(token);
    if (entry === undefined) return;
    this.bySocket.delete(token);
    const waiting = this.byMeeting.get(entry.key);
    waiting?.delete(token);
    if (waiting?.size === 0) this.byMeeting.delete(entry.key);
  }

  /** The meeting changed: every join waiting for it is made again (in the order they came). */
  release(tenantId: string, meetingId: string): number {
    const key = meetingKey(tenantId, meetingId);
    const waiting = [...(this.byMeeting.get(key) ?? new Map<object, Entry>())];
    for (const [token] of waiting) this.leave(token);
    for (const [, entry] of waiting) entry.rejoin();
    return waiting.length;
  }

  /** An organizer turned `userId` away: each of their sockets waiting here is told, and stops. */
  turnAway(tenantId: string, meetingId: string, userId: string): number {
    const key = meetingKey(tenantId, meetingId);
    const theirs = [...(this.byMeeting.get(key) ?? new Map<object, Entry>())].filter(
      ([, entry]) => entry.waiter.userId === userId,
    );
    for (const [token] of theirs) this.leave(token);
    for (const [, entry] of theirs) entry.turnAway();
    return theirs.length;
  }

  /** Every waiting join is made again (a change this node may not have heard of). */
  releaseAll(): void {
    const waiting = [...this.bySocket];
    this.bySocket.clear();
    this.byMeeting.clear();
    for (const [, entry] of waiting) entry.rejoin();
  }

  /** Who waits for the meeting on this node, longest-waiting first. */
  list(tenantId: string, meetingId: string): Waiter[] {
    const waiting = this.byMeeting.get(meetingKey(tenantId, meetingId));
    return [...(waiting?.values() ?? [])].map((entry) => entry.waiter);
  }
}

function meetingKey(tenantId: string, meetingId: string): string {
  return `${tenantId}\u0000${meetingId}`;
}
