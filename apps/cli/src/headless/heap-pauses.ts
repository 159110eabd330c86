// The simulated devices of one load worker share its heap: a full (mark-compact) collection walks
// every device's MLS state — two hundred ratchet trees — and a step that happens to be running
// stops for it, sometimes for a second. A device of its own holds one member's state, so that
// pause is not its cost. These pauses are taken out of the MLS steps the worker times on turns
// (mls-turns.ts), and counted, so the report shows what was excluded beside what was measured.
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

/** What was taken out of timed steps: in how many steps, in all, and the longest. */
export interface ExcludedPauses {
  readonly steps: number;
  readonly ms: number;
  readonly longestMs: number;
}

export const NO_PAUSES: ExcludedPauses = { steps: 0, ms: 0, longestMs: 0 };

/** Two workers' exclusions together. */
export function addPauses(a: ExcludedPauses, b: ExcludedPauses): ExcludedPauses {
  return {
    steps: a.steps + b.steps,
    ms: a.ms + b.ms,
    longestMs: Math.max(a.longestMs, b.longestMs),
  };
}

/** The pauses a timed step overlapped, in ms (HeapPauses, or a test's own). */
export interface PauseSource {
  within(from: number, to: number): Promise<number>;
}

interface Pause {
  readonly start: number;
  readonly end: number;
}

/** How long kept pauses are remembered: far longer than any MLS step. */
const KEEP_MS = 60_000;

function isFullCollection(entry: PerformanceEntry): boolean {
  // A `gc` entry's detail says which collection it was (Node ≥ 16; not in PerformanceEntry's type).
  const kind = (entry as { detail?: { kind?: number } }).detail?.kind;
  return kind === constants.NODE_PERFORMANCE_GC_MAJOR;
}

/** Full collections of this process's heap, as the runtime reports them (`gc` entries). */
export class HeapPauses implements PauseSource {
  #pauses: Pause[] = [];
  readonly #observer = new PerformanceObserver((list) => this.#keep(list.getEntries()));

  constructor() {
    this.#observer.observe({ entryTypes: ['gc'] });
  }

  /** How much of [from, to] (performance.now) the process spent in full collections. */
  async within(from: number, to: number): Promise<number> {
    // The runtime posts a collection's entry after it ends, from an immediate: let it arrive.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    this.#keep(this.#observer.takeRecords());
    let paused = 0;
    for (const p of this.#pauses)
      paused += Math.max(0, Math.min(to, p.end) - Math.max(from, p.start));
    return paused;
  }

  stop(): void {
    this.#observer.disconnect();
  }

  #keep(entries: readonly PerformanceEntry[]): void {
    for (const e of entries)
      if (isFullCollection(e))
        this.#pauses.push({ start: e.startTime, end: e.startTime + e.duration });
    const since = performance.now() - KEEP_MS;
    this.#pauses = this.#pauses.filter((p) => p.end >= since);
  }
}
