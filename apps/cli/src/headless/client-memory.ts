// How much memory the simulated participants take (issue 11: "per-participant CPU and memory").
// Each load worker samples its own resident set while it runs and reports the peak with how many
// participants it held; together they give the clients' peak and a share per participant — an
// upper bound for one device, since a worker's runtime and the shared heap's slack are counted in.
import { memoryUsage } from 'node:process';

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
