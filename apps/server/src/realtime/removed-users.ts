// The users removed from this run of a meeting, who may not join it again until it is ended and
// started again. The database holds them (a restarted server, or a room that emptied and filled
// again, still refuses them); the room reads them once and adds new ones in memory as they happen,
// so a join checks without a query.
import type { Store } from '../storage/store.ts';
import type { JoinTarget } from './admission.ts';

export class RemovedUsers {
  private readonly added = new Set<string>();
  private stored: ReadonlySet<string> | undefined;

  constructor(
    private readonly store: Store,
    private readonly target: JoinTarget,
  ) {}

  /** Already written to the database by the caller; from now on this room refuses them. */
  add(userId: string): void {
    this.added.add(userId);
  }

  /** Removed from this run, as known in memory (no database read). */
  knows(userId: string): boolean {
    return this.added.has(userId) || this.stored?.has(userId) === true;
  }

  async includes(userId: string): Promise<boolean> {
    if (this.added.has(userId)) return true;
    const { tenantId, meetingId, kind, startedAt } = this.target;
    // Calls cannot be removed from; a meeting without a start time has no run to be removed from.
    if (kind !== 'meeting' || startedAt === undefined) return false;
    this.stored ??= new Set(await this.store.removals.usersRemoved(tenantId, meetingId, startedAt));
    return this.stored.has(userId);
  }
}
