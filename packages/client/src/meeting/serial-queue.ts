// Runs tasks one after another, in the order they were queued. Every inbound server message and
// media frame of a meeting goes through one queue: MLS state moves one message at a time, and a
// frame that arrived after a commit is decrypted after that commit was applied.

export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T> | T): Promise<T> {
    const result = this.#tail.then(task);
    this.#tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves once everything queued so far has run. */
  idle(): Promise<void> {
    return this.#tail.then(() => undefined);
  }
}
