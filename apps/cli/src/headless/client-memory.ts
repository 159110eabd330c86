// How much memory the simulated participants take (issue 11: "per-participant CPU and memory").
// Each load worker samples its own resident set while it runs and reports the peak with how many
// participants it held; together they give the clients' peak and a share per participant — an
// upper bound for one device, since a worker's runtime and the shared heap's slack are counted in.
import { totalmem } from 'node:os';
import { memoryUsage } from 'node:process';
import { getHeapStatistics } from 'node:v8';

/** One worker's peak resident set and the participants it ran. */
export interface WorkerMemory {
  readonly peakRssMb: number;
  readonly participants: number;
}

export interface ClientMemory {
  /** Each worker's peak, added up (the peaks need not have been at the same moment). */
  readonly peakRssMb: number;
  /** That, per participant. */
  readonly perParticipantMb: number;
}

/** Samples this process's resident set; `peak()` is the largest seen. */
export class PeakMemory {
  #peak = 0;

  sample(): void {
    this.#peak = Math.max(this.#peak, memoryUsage.rss());
  }

  peakMb(): number {
    this.sample();
    return Math.round(this.#peak / 2 ** 20);
  }
}

export function clientMemory(workers: readonly WorkerMemory[]): ClientMemory {
  const peakRssMb = workers.reduce((n, w) => n + w.peakRssMb, 0);
  const participants = workers.reduce((n, w) => n + w.participants, 0);
  return {
    peakRssMb,
    perParticipantMb: participants === 0 ? 0 : Math.round((peakRssMb / participants) * 10) / 10,
  };
}

/**
 * The heap each worker may grow to: a share of the machine's memory, never less than the runtime's
 * usual limit. A worker holds hundreds of simulated devices, each with its own ratchet tree; at
 * the runtime's default (about 4 GB here) a 1,000-person meeting's workers spent their time
 * collecting garbage instead of joining. Shares add up to 80 % of the machine, so the workers
 * together stop short of it instead of swapping.
 */
export function heapMbPerWorker(workers: number, machineBytes = totalmem()): number {
  const share = Math.floor((machineBytes * 0.8) / Math.max(1, workers) / 2 ** 20);
  return Math.max(share, Math.floor(getHeapStatistics().heap_size_limit / 2 ** 20));
}
