// People waiting for a meeting to start (governance.md §5: before a meeting starts, those who may
// enter it wait, and enter when it starts). A person waits on the node that holds their socket:
// the join they sent is kept, and made again whenever the meeting changes (started, ended,
// deleted). The join decides afresh: it enters a started meeting, is refused an ended one, and
// waits again if nothing it needs has happened — so a missed or repeated change is harmless.

/** Who is waiting, as the organizer sees it. */
export interface Waiter {
  readonly userId: string;
  readonly displayName: string;
  readonly deviceId: string;
  /** When they started waiting (epoch ms). */
  readonly since: number;
}

interface Entry {
  readonly key: string;
  readonly waiter: Waiter;
  /** Sends this socket's join again (through its own message queue). */
  readonly rejoin: () => void;
}

/** `token`: the socket; one waiting join per socket (a new join replaces its older one). */
export class Lobby {
  private readonly byMeeting = new Map<string, Map<object, Entry>>();
  private readonly bySocket = new Map<object, Entry>();

  wait(tenantId: string, meetingId: string, token: object, waiter: Waiter, rejoin: () => void) {
    this.leave(token);
    const entry = { key: meetingKey(tenantId, meetingId), waiter, rejoin };
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
