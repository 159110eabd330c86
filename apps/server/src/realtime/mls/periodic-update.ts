// The periodic update (key rotation): `updateIntervalMs` after the group's last commit, a member
// is asked for a commit with a fresh update path (docs/meeting-flow.md). Not while connected
// members are still on their way to the current epoch: a rotation then only adds a commit to
// their backlog — at 1,000 members one large commit costs every member seconds, and in the
// 1,000-person run an update on top of a join storm's commit kept the meeting split over three
// epochs. So a due update waits for the epoch's confirmation (./epoch-confirmations.ts), at most
// one more interval: a member who never says it reached the epoch delays rotation, never stops it.
import type { GroupTimers } from './group-timers.ts';

export interface PeriodicUpdateDeps {
  readonly timers: Pick<GroupTimers, 'update' | 'stopUpdate'>;
  /** Every connected member reached the group's current epoch. */
  confirmed(): boolean;
  /** The update is due: ask for it (or for the waiting proposals' commit). */
  due(): Promise<void>;
}

export class PeriodicUpdate {
  /** Due, and waiting for the current epoch's confirmation (or the bound). */
  #waiting = false;
  /** Each restart or stop starts a new countdown: an update in progress restarts only its own. */
  #countdown = 0;
  #closed = false;

  constructor(private readonly deps: PeriodicUpdateDeps) {}

  /** The countdown starts again (the group committed, was founded, or resumed after a restart). */
  restart(): void {
    if (this.#closed) return;
    this.#waiting = false;
    const countdown = ++this.#countdown;
    this.deps.timers.update(() => this.#fire(countdown));
  }

  /** No countdown (the group is closed or being founded again). */
  stop(): void {
    this.#waiting = false;
    this.#countdown++;
    this.deps.timers.stopUpdate();
  }

  /** No countdown ever again (the service closed). */
  close(): void {
    this.#closed = true;
    this.stop();
  }

  /** The current epoch was confirmed: an update that waited for it goes now. */
  epochConfirmed(): void {
    const countdown = this.#countdown;
    if (this.#waiting) this.deps.timers.update(() => this.#fire(countdown), 0);
  }

  async #fire(countdown: number): Promise<void> {
    if (countdown !== this.#countdown) return;
    if (!this.#waiting && !this.deps.confirmed()) {
      this.#waiting = true;
      this.deps.timers.update(() => this.#fire(countdown));
      return;
    }
    this.#waiting = false;
    await this.deps.due();
    if (countdown === this.#countdown) this.restart();
  }
}
