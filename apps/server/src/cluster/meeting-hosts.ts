// Which node hosts each live meeting: a lease in the database (`meeting_hosts`), claimed by the
// first node a participant reaches and renewed by the host while its room lives. Two nodes racing
// for one meeting cannot both win — each claim is one compare-and-set statement — so a meeting
// has one room, one MLS delivery service and one head count in the whole cluster. A host that
// stops answering (./liveness.ts) is replaced by the next node a participant reaches; a host that
// finds its lease taken lets its room go, and its participants reconnect to the new host.
import type { Store } from '../storage/store.ts';
import type { NodeLiveness } from './liveness.ts';

/** Long enough to ride out a slow database, short enough that a lost host is replaced soon. */
export const LEASE_MS = 10_000;
const RENEW_MS = 2_000;

export type Route = { readonly kind: 'here' } | { readonly kind: 'remote'; readonly host: string };

export class MeetingHosts {
  /** tenant/meeting → [tenantId, meetingId] of the meetings this node hosts. */
  private readonly hosted = new Map<string, readonly [string, string]>();
  /** tenant/meeting → how many times this node lost it: a join tells it was cut off. */
  private readonly losses = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;
  private renewing = false;

  constructor(
    private readonly store: Store,
    private readonly nodeId: string,
    private readonly liveness: Pick<NodeLiveness, 'isAlive'>,
    private readonly now: () => number,
    /** This node lost a meeting it hosted (another node holds the lease now). */
    private readonly onLost: (tenantId: string, meetingId: string) => void,
  ) {
    this.timer = setInterval(() => void this.renew(), RENEW_MS);
    this.timer.unref();
  }

  /** Where a meeting's room is: here (this node claimed or holds it) or on a live node. */
  async route(tenantId: string, meetingId: string): Promise<Route> {
    const { hosts } = this;
    const until = this.now() + LEASE_MS;
    const lease = await hosts.claim(tenantId, meetingId, this.nodeId, this.now(), until);
    if (lease.nodeId === this.nodeId) return this.hostHere(tenantId, meetingId);
    if (lease.nodeId !== '' && this.liveness.isAlive(lease.nodeId))
      return { kind: 'remote', host: lease.nodeId };
    // The holder stopped answering (or let go just now): take its place, unless another node
    // was quicker — then that node is the host.
    const taken =
      lease.nodeId === ''
        ? (await hosts.claim(tenantId, meetingId, this.nodeId, this.now(), until)).nodeId ===
          this.nodeId
        : await hosts.takeOver(tenantId, meetingId, lease.nodeId, this.nodeId, until);
    if (taken) return this.hostHere(tenantId, meetingId);
    const holder = await hosts.claim(tenantId, meetingId, this.nodeId, this.now(), until);
    return holder.nodeId === this.nodeId
      ? this.hostHere(tenantId, meetingId)
      : { kind: 'remote', host: holder.nodeId };
  }

  /** The node that holds a meeting's lease now, without claiming it; undefined if none does. */
  async holder(tenantId: string, meetingId: string): Promise<string | undefined> {
    if (this.hosted.has(key(tenantId, meetingId))) return this.nodeId;
    const lease = await this.hosts.current(tenantId, meetingId, this.now());
    return lease?.nodeId;
  }

  /** Whether this node hosts the meeting now. */
  isHosting(tenantId: string, meetingId: string): boolean {
    return this.hosted.has(key(tenantId, meetingId));
  }

  /**
   * Another node holds the lease, as a fenced group write found out: the room here goes now
   * (`onLost`), not at the next renewal.
   */
  lost(tenantId: string, meetingId: string): void {
    const k = key(tenantId, meetingId);
    if (!this.hosted.delete(k)) return;
    this.losses.set(k, (this.losses.get(k) ?? 0) + 1);
    this.onLost(tenantId, meetingId);
  }

  /**
   * Runs a join into the room here; true if the meeting moved to another node meanwhile — the
   * join may have been cut off by a refused write, unanswered, so the joiner goes to the new host.
   */
  async movedDuring(
    tenantId: string,
    meetingId: string,
    join: () => Promise<void>,
  ): Promise<boolean> {
    const k = key(tenantId, meetingId);
    const before = this.losses.get(k) ?? 0;
    await join();
    return (this.losses.get(k) ?? 0) !== before;
  }

  /** The meeting's room here closed: the lease is let go so any node may host it next time. */
  async release(tenantId: string, meetingId: string): Promise<void> {
    if (!this.hosted.delete(key(tenantId, meetingId))) return;
    await this.hosts.release(tenantId, meetingId, this.nodeId);
  }

  close(): void {
    clearInterval(this.timer);
  }

  private get hosts() {
    return this.store.meetingHosts;
  }

  private hostHere(tenantId: string, meetingId: string): Route {
    this.hosted.set(key(tenantId, meetingId), [tenantId, meetingId]);
    return { kind: 'here' };
  }

  private async renew(): Promise<void> {
    if (this.renewing) return;
    this.renewing = true;
    try {
      for (const [tenantId, meetingId] of [...this.hosted.values()]) {
        const until = this.now() + LEASE_MS;
        const lease = await this.hosts
          .claim(tenantId, meetingId, this.nodeId, this.now(), until)
          .catch(() => undefined); // the database is away: try again next round
        if (lease === undefined || lease.nodeId === this.nodeId) continue;
        this.lost(tenantId, meetingId); // nothing, if a refused write let it go already
      }
    } finally {
      this.renewing = false;
    }
  }
}

function key(tenantId: string, meetingId: string): string {
  return `${tenantId}/${meetingId}`;
}
