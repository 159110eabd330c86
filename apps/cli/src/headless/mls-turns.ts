// The simulated devices of one load worker share its thread: while a hundred of them process the
// same commit at once, each one's measured time is everyone's interleaved. Once switched on, this
// queue gives them turns — one MLS step at a time, in the order they asked — so each step's time
// is its own work, as on a device of its own (the critical paths, critical-path.ts and
// removal-cutoff.ts); the shared heap's full collections are taken out of it too (heap-pauses.ts).
// Switched on for the departures of --removals, and from the start in meetings over 200
// (load-runner.ts): otherwise, during a join storm a step may wait for a directory fetch, and
// turns would make those waits queue up behind each other. Each turn begins on a fresh pass of
// the event loop, so the worker's sockets are read between steps: hundreds of steps run at once
// are one long chain of promise callbacks that lets no socket event in until all are done — at
// 1,000 members long enough for the server to take the sockets for dead (no pong for 30 s) and
// to refuse their reconnects (no hello within 10 s).
import { setImmediate as nextPass } from 'node:timers/promises';
import type { MlsTurns, TimedValue } from '@conclave/client';
import { NO_PAUSES, type ExcludedPauses, type PauseSource } from './heap-pauses.ts';

export class TakeTurns {
  #on = false;
  /** Steps asked for and not finished, turns on or off. */
  #steps = 0;
  #last: Promise<unknown> = Promise.resolve();
  #excluded: ExcludedPauses = NO_PAUSES;

  /** `pauses`: what is not a step's own work (the worker: its heap's full collections). */
  constructor(private readonly pauses?: PauseSource) {}

  switchOn(): void {
    this.#on = true;
  }

  /** The pauses taken out of the steps timed so far. */
  get excluded(): ExcludedPauses {
    return this.#excluded;
  }

  /**
   * MLS steps the devices asked for and have not finished — a commit being built, a commit or
   * Welcome being processed: none means no member of this worker has MLS work in hand.
   */
  get steps(): number {
    return this.#steps;
  }

  readonly run: MlsTurns = <T>(step: () => Promise<TimedValue<T>>): Promise<TimedValue<T>> => {
    this.#steps++;
    const turn = this.#on ? this.#last.then(() => this.#ownTime(step)) : step();
    const done = () => void this.#steps--;
    turn.then(done, done);
    if (this.#on) this.#last = turn.catch(() => undefined);
    return turn;
  };

  async #ownTime<T>(step: () => Promise<TimedValue<T>>): Promise<TimedValue<T>> {
    await nextPass();
    const began = performance.now();
    const timed = await step();
    if (this.pauses === undefined) return timed;
    const paused = Math.min(timed.ms, await this.pauses.within(began, performance.now()));
    if (paused <= 0) return timed;
    const e = this.#excluded;
    this.#excluded = {
      steps: e.steps + 1,
      ms: e.ms + paused,
      longestMs: Math.max(e.longestMs, paused),
    };
    return { value: timed.value, ms: timed.ms - paused };
  }
}
