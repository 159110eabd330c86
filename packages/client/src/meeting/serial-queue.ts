// Runs tasks one after another, in the order they were queued. Every inbound server message and
// media frame of a meeting goes through one queue: MLS state moves one message at a time, and a
// frame that arrived after a commit is decrypted after that commit was applied. Each task first
// takes a fair turn (fair-turns.ts), so a long backlog lets sockets, timers and the page breathe.
import { fairTurn } from './fair-turns.ts';

export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();
  readonly #once = new Set<string>();

  /** `report`: where a failed `runOnce` task goes (nobody awaits it). */
  constructor(private readonly report: (error: unknown) => void = () => undefined) {}

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

  /**
   * Runs `task` after everything queued so far — once, however often `key` is asked for again
   * before it runs. Announcements of a burst of changes (a join storm's `participant-joined`
   * messages, each of which would rebuild a 1,000-entry roster) go out once, with the last state.
   */
  runOnce(key: string, task: () => void): void {
    if (this.#once.has(key)) return;
    this.#once.add(key);
    this.run(() => {
      this.#once.delete(key);
      task();
    }).catch(this.report);
  }

  /** Resolves once everything queued so far has run. */
  idle(): Promise<void> {
    return this.#tail.then(() => undefined);
  }
}
