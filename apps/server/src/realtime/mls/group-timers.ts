// The delivery service's clocks, on the injected clock: the batch window that gathers proposals
// into one commit, the periodic update (key rotation), and each absent member's grace time. Every
// callback re-enters the room's queue through `enqueue`, so no timer ever runs beside a task.
import type { ServerClock, TimerHandle } from '../clock.ts';
import type { ResolvedRealtimeOptions } from '../options.ts';
import type { Member } from './group.ts';

type Options = Pick<
  ResolvedRealtimeOptions,
  'batchWindowMs' | 'maxBatchDelayMs' | 'updateIntervalMs' | 'reconnectGraceMs'
>;

export class GroupTimers {
  private batchTimer: TimerHandle | undefined;
  /** When the first proposal of the batch being gathered arrived. */
  private batchStartedAt: number | undefined;
  private updateTimer: TimerHandle | undefined;

  constructor(
    private readonly clock: ServerClock,
    private readonly options: Options,
    private readonly enqueue: (task: () => Promise<void> | void) => void,
  ) {}

  /**
   * Gathers proposals into one batch: each call pushes `flush` back by the quiet window, up to the
   * batch's maximum delay. During a join storm this turns a stream of joins into a few large
   * commits — each commit costs every member a full commit's processing, so their number, not
   * their size, is what a storm pays for.
   */
  batch(flush: () => Promise<void> | void): void {
    const now = this.clock.now();
    this.batchStartedAt ??= now;
    const { batchWindowMs, maxBatchDelayMs } = this.options;
    const delay = Math.max(0, Math.min(batchWindowMs, this.batchStartedAt + maxBatchDelayMs - now));
    this.clock.clearTimeout(this.batchTimer);
    this.batchTimer = this.clock.setTimeout(() => {
      this.batchTimer = undefined;
      this.batchStartedAt = undefined;
      this.enqueue(flush);
    }, delay);
  }

  /** Starts the countdown to the next periodic update again (`delayMs`: the interval). */
  update(due: () => Promise<void>, delayMs = this.options.updateIntervalMs): void {
    this.clock.clearTimeout(this.updateTimer);
    this.updateTimer = this.clock.setTimeout(() => this.enqueue(due), delayMs);
  }

  get updateIntervalMs(): number {
    return this.options.updateIntervalMs;
  }

  now(): number {
    return this.clock.now();
  }

  stopUpdate(): void {
    this.clock.clearTimeout(this.updateTimer);
    this.updateTimer = undefined;
  }

  /** A member is away: it keeps its leaf for the grace time, then `expired` runs. */
  grace(member: Member, expired: () => Promise<void> | void): void {
    if (member.grace !== undefined) return;
    member.grace = this.clock.setTimeout(() => {
      this.enqueue(async () => {
        member.grace = undefined;
        await expired();
      });
    }, this.options.reconnectGraceMs);
  }

  stopGrace(member: Member): void {
    this.clock.clearTimeout(member.grace);
    member.grace = undefined;
  }

  /** Every timer of the group stops (closed, or the group is gone). */
  stop(members: Iterable<Member>): void {
    this.clock.clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    this.batchStartedAt = undefined;
    this.clock.clearTimeout(this.updateTimer);
    this.updateTimer = undefined;
    for (const member of members) this.stopGrace(member);
  }
}
