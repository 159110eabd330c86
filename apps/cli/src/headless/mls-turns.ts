// The simulated devices of one load worker share its thread: while a hundred of them process the
// same commit at once, each one's measured time is everyone's interleaved. Once switched on, this
// queue gives them turns — one MLS step at a time, in the order they asked — so each step's time
// is its own work, as on a device of its own (the critical paths, critical-path.ts and
// removal-cutoff.ts). Switched on for the departures of --removals only: during a join storm a
// step may wait for a directory fetch, and turns would make those waits queue up behind each other.
import type { MlsTurns } from '@conclave/client';

export class TakeTurns {
  #on = false;
  #last: Promise<unknown> = Promise.resolve();

  switchOn(): void {
    this.#on = true;
  }

  readonly run: MlsTurns = <T>(step: () => Promise<T>): Promise<T> => {
    if (!this.#on) return step();
    const turn = this.#last.then(step);
    this.#last = turn.catch(() => undefined);
    return turn;
  };
}
