import { describe, expect, it } from 'vitest';
import { ReplayWindow, SFrameError } from '../../src/sframe/index.ts';

function accept(w: ReplayWindow, ctr: bigint): string {
  const verdict = w.check(ctr);
  if (verdict === 'ok') w.mark(ctr);
  return verdict;
}

describe('ReplayWindow', () => {
  it('accepts each counter once, in any order inside the window', () => {
    const w = new ReplayWindow(128);
    expect(accept(w, 5n)).toBe('ok');
    expect(accept(w, 5n)).toBe('replay');
    expect(accept(w, 3n)).toBe('ok');
    expect(accept(w, 3n)).toBe('replay');
    expect(accept(w, 4n)).toBe('ok');
    expect(accept(w, 0n)).toBe('ok');
    expect(accept(w, 0n)).toBe('replay');
  });

  it('refuses counters that fell out of the window as too old', () => {
    const w = new ReplayWindow(128);
    expect(accept(w, 200n)).toBe('ok');
    expect(accept(w, 73n)).toBe('ok'); // 200 - 127: the oldest still inside
    expect(accept(w, 72n)).toBe('too_old');
    expect(accept(w, 0n)).toBe('too_old');
  });

  it('forgets slots it slid past, so a counter a window later is new', () => {
    const w = new ReplayWindow(32);
    for (let c = 0n; c < 32n; c++) expect(accept(w, c)).toBe('ok');
    // 40 reuses the slot of 8, and 36 that of 4: both must read as unseen.
    expect(accept(w, 40n)).toBe('ok');
    expect(accept(w, 36n)).toBe('ok');
    expect(accept(w, 36n)).toBe('replay');
    expect(accept(w, 8n)).toBe('too_old');
    // 9 is the oldest counter still inside the window, and it was seen.
    expect(accept(w, 9n)).toBe('replay');
    expect(accept(w, 39n)).toBe('ok');
  });

  it('check alone never changes state', () => {
    const w = new ReplayWindow();
    for (let i = 0; i < 10; i++) expect(w.check(1000n)).toBe('ok');
    expect(accept(w, 1n)).toBe('ok');
    expect(accept(w, 1000n)).toBe('ok');
  });

  it('matches a reference model on random traffic', () => {
    const size = 64;
    const w = new ReplayWindow(size);
    const seen = new Set<bigint>();
    let highest = -1n;
    let seed = 7;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let base = 0n;
    for (let i = 0; i < 20_000; i++) {
      base += BigInt(Math.floor(rand() * 3));
      const ctr = base + BigInt(Math.floor(rand() * 100)) - 50n;
      if (ctr < 0n) continue;
      const expected =
        ctr > highest
          ? 'ok'
          : highest - ctr >= BigInt(size)
            ? 'too_old'
            : seen.has(ctr)
              ? 'replay'
              : 'ok';
      expect(accept(w, ctr)).toBe(expected);
      if (expected === 'ok') {
        seen.add(ctr);
        if (ctr > highest) highest = ctr;
      }
    }
  });

  it('handles the top of the 64-bit range', () => {
    const w = new ReplayWindow();
    const max = (1n << 64n) - 1n;
    expect(accept(w, max)).toBe('ok');
    expect(accept(w, max)).toBe('replay');
    expect(accept(w, max - 1n)).toBe('ok');
    expect(accept(w, 0n)).toBe('too_old');
  });

  it.each([0, 16, 100, 3.5, 131072])('refuses a window of %s', (size) => {
    expect(() => new ReplayWindow(size)).toThrow(SFrameError);
  });
});
