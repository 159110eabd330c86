// Runs tasks one at a time, in order. A room's state changes only inside its queue, so the
// delivery service never sees two messages half-way through each other (e.g. two commits for one
// epoch racing past the epoch check while the first is being stored).
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();
  private closed = false;
  private waiting = 0;

  constructor(private readonly onError: (error: unknown) => void) {}

  /** Queues `task`; resolves when it has run (or been skipped because the queue closed). */
  run(task: () => Promise<void> | void): Promise<void> {
    this.waiting += 1;
    const next = this.tail.then(async () => {
      try {
        if (!this.closed) await task();
      } catch (error) {
        this.onError(error);
      } finally {
        this.waiting -= 1;
      }
    });
    this.tail = next;
    return next;
  }

  /** Tasks queued or running, the current one included. */
  get pending(): number {
    return this.waiting;
  }

  /** Tasks not yet started are dropped; the one running finishes. */
  close(): void {
    this.closed = true;
  }
}
