// One timer per ringing call on the server that placed it: at the ring deadline the call is marked
// missed and both sides told. The timer is only the prompt — the deadline is stored with the call
// and compared on every read (./call-life.ts), so a timer lost to a restart or to another node's
// crash leaves a call that reads as missed, never one that rings for ever.
export class RingTimers {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(
    /** How long a call rings before it is missed (45 s; tests shorten it). */
    readonly ringMs: number,
  ) {}

  /** Runs `missed` once, `delayMs` from now, unless cancelled or closed first. */
  start(callKey: string, delayMs: number, missed: () => Promise<void>): void {
    if (this.closed) return;
    this.cancel(callKey);
    const timer = setTimeout(
      () => {
        this.timers.delete(callKey);
        void missed();
      },
      Math.max(0, delayMs),
    );
    timer.unref();
    this.timers.set(callKey, timer);
  }

  /** The call was answered or hung up: no missed call to mark. Idempotent. */
  cancel(callKey: string): void {
    clearTimeout(this.timers.get(callKey));
    this.timers.delete(callKey);
  }

  /** The server stops: no timer fires after its store is closed. Idempotent. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
