// Many callers asking for the same read at once share one run of it — and none is answered by a
// run that began before it asked, so sharing never serves anything staler than its own query
// would have. Every member of a 1,000-person meeting fetches the organization's directory as it
// joins; run once per request, those fetches queued for half a minute on each node and joins
// timed out. Shared, a node runs at most two at a time per key: the one under way, and the next,
// which everyone who asked meanwhile waits for.

interface Slot<V> {
  current: Promise<V>;
  /** Starts when `current` ends; shared by everyone who asked while `current` was running. */
  queued: Promise<V> | undefined;
}

export class SharedReads<V> {
  readonly #slots = new Map<string, Slot<V>>();

  /** `run`'s answer for `key`, from a run that began at or after this call. */
  read(key: string, run: () => Promise<V>): Promise<V> {
    const slot = this.#slots.get(key);
    if (slot === undefined) {
      const fresh: Slot<V> = { current: Promise.resolve(undefined as V), queued: undefined };
      this.#slots.set(key, fresh);
      return this.#start(key, fresh, run);
    }
    // The run under way may have read before this caller asked: it waits for the next one.
    slot.queued ??= slot.current.then(ignore, ignore).then(() => {
      slot.queued = undefined;
      return this.#start(key, slot, run);
    });
    return slot.queued;
  }

  #start(key: string, slot: Slot<V>, run: () => Promise<V>): Promise<V> {
    const running = run();
    slot.current = running;
    const ended = () => {
      if (slot.current === running && slot.queued === undefined) this.#slots.delete(key);
    };
    running.then(ended, ended);
    return running;
  }
}

const ignore = () => undefined;
