// Runs tasks one after another, in the order they were queued. Every inbound server message and
// media frame of a meeting goes through one queue: MLS state moves one message at a time, and a
// frame that arrived after a commit is decrypted after that commit was applied. Each task first
// takes a fair turn (fair-turns.ts), so a long backlog lets sockets, timers and the page breathe.
import { fairTurn } from './fair-turns.ts';

export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T> | T): Promise<T> {
    const result = this.#tail.then(async () => {
      // Await only when the turn is over: `await undefined` would put the check and the work in
      // different microtasks, and a burst of queues would all pass the check before any of them
      // ran — 40 queues' first tasks back to back, the event loop held for all of them.
      const turn = fairTurn();
      if (turn !== undefined) await turn;
      return task();
    });
    this.#tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves once everything queued so far has run. */
  idle(): Promise<void> {
    return this.#tail.then(() => undefined);
  }
}
