// The participants' memory in a load report: each worker's peak, together and per participant.
import { describe, expect, it } from 'vitest';
import { getHeapStatistics } from 'node:v8';
import { clientMemory, heapMbPerWorker, PeakMemory } from '../src/headless/client-memory.ts';

describe('client memory', () => {
  it("adds the workers' peaks and shares them per participant", () => {
    expect(
      clientMemory([
        { peakRssMb: 300, participants: 100 },
        { peakRssMb: 200, participants: 100 },
      ]),
    ).toEqual({ peakRssMb: 500, perParticipantMb: 2.5 });
    expect(clientMemory([])).toEqual({ peakRssMb: 0, perParticipantMb: 0 });
  });

  it('keeps the largest resident set it saw', () => {
    const peak = new PeakMemory();
    const first = peak.peakMb();
    expect(first).toBeGreaterThan(10);
    // Touch 64 MiB so the resident set grows; the peak never goes down after.
    const kept = Buffer.alloc(64 * 2 ** 20, 1);
    expect(peak.peakMb()).toBeGreaterThanOrEqual(first + 32);
    expect(kept[0]).toBe(1);
  });

  it("gives each worker a share of the machine's memory, never below the runtime's own limit", () => {
    const usual = Math.floor(getHeapStatistics().heap_size_limit / 2 ** 20);
    const big = 64 * 2 ** 30;
    // 80 % of 64 GiB over 4 workers: 12.8 GiB each; over 2, twice that.
    expect(heapMbPerWorker(4, big)).toBe(Math.max(usual, 13_107));
    expect(heapMbPerWorker(2, big)).toBe(Math.max(usual, 26_214));
    // A small machine keeps the runtime's default rather than starving a worker.
    expect(heapMbPerWorker(8, 2 * 2 ** 30)).toBe(usual);
  });
});
