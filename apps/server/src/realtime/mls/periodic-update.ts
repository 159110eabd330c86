// The periodic update (key rotation): a member is asked for a commit with a fresh update path
// (docs/meeting-flow.md) an interval after every connected member reached the group's current
// epoch, and at the latest two intervals after the commit that began it. Counting from the
// confirmation, not the commit: while members are still on their way to the epoch, a rotation only
// adds a commit to their backlog — at 1,000 members one large commit costs every member seconds,
// and in the 1,000-person run an update on top of a join storm's commit kept the meeting split
// over three epochs; and an update sent the moment the last member arrived gave the epoch no time
// in use before the next rekey (media across a rekey is lost by whoever is behind). In a meeting
// whose members keep up, the confirmation comes within a second of the commit: an interval as
// before. The bound means a member who never says it reached the epoch delays rotation, never
// stops it.
import type { GroupTimers } from './group-timers.ts';

export interface PeriodicUpdateDeps {
  readonly timers: Pick<GroupTimers, 'update' | 'stopUpdate' | 'updateIntervalMs' | 'now'>;
  /** Every connected member reached the group's current epoch. */
  confirmed(): boolean;
  /** The update is due: ask for it (or for the waiting proposals' commit). */
  due(): Promise<void>;
}

export class PeriodicUpdate {
  /** The running countdown: its latest end, and whether it counts from a confirmation. */
  #countdown:
    { readonly id: number; readonly boundAt: number; fromConfirmation: boolean } | undefined;
  /** Each restart or stop starts a new countdown: an update in progress restarts only its own. */
  #generation = 0;
  #closed = false;

  constructor(private readonly deps: PeriodicUpdateDeps) {}

  /** The countdown starts again (the group committed, was founded, or resumed after a restart). */
  restart(): void {
    if (this.#closed) return;
    const { timers } = this.deps;
    const intervalMs = timers.updateIntervalMs;
    const confirmed = this.deps.confirmed();
    const countdown = {
      id: ++this.#generation,
      boundAt: timers.now() + 2 * intervalMs,
      fromConfirmation: confirmed,
    };
    this.#countdown = countdown;
    timers.update(() => this.#fire(countdown.id), confirmed ? intervalMs : 2 * intervalMs);
  }

  /** No countdown (the group is closed or being founded again). */
  stop(): void {
    this.#generation++;
    this.#countdown = undefined;
    this.deps.timers.stopUpdate();
  }

  /** No countdown ever again (the service closed). */
  close(): void {
    this.#closed = true;
    this.stop();
  }

  /** The current epoch was confirmed: the update is due an interval from now (or at the bound). */
  epochConfirmed(): void {
    const countdown = this.#countdown;
    if (countdown === undefined || countdown.fromConfirmation) return;
    countdown.fromConfirmation = true;
    const { timers } = this.deps;
    const delay = Math.min(timers.updateIntervalMs, countdown.boundAt - timers.now());
    timers.update(() => this.#fire(countdown.id), Math.max(0, delay));
  }

  async #fire(id: number): Promise<void> {
    if (id !== this.#generation) return;
    await this.deps.due();
    if (id === this.#generation) this.restart();
  }
}
