// The participants' memory in a load report: each worker's peak, together and per participant.
import { describe, expect, it } from 'vitest';
import { clientMemory, PeakMemory } from '../src/headless/client-memory.ts';

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
});
