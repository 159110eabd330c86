// Concurrent fetches of the same read (every member of a large meeting fetching the directory as
// it joins) share one run — and none is answered by a run that began before it asked.
import { describe, expect, it } from 'vitest';
import { SharedReads } from '../src/http/shared-reads.ts';

/** A read whose runs the test ends one by one; each answers with its run number. */
function manualRead() {
  const ends: Array<(failure?: Error) => void> = [];
  let runs = 0;
  const run = () => {
    const n = ++runs;
    return new Promise<number>((resolve, reject) =>
      ends.push((failure) => (failure === undefined ? resolve(n) : reject(failure))),
    );
  };
  return {
    run,
    get runs() {
      return runs;
    },
    end: async (index: number, failure?: Error) => {
      ends[index]?.(failure);
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

describe('shared reads', () => {
  it('shares one run among everyone who asked while another was under way', async () => {
    const reads = new SharedReads<number>();
    const read = manualRead();
    const first = reads.read('tenant-a', read.run);
    // These asked after run 1 began: it may have read before them, so they wait for run 2.
    const later = [1, 2, 3].map(() => reads.read('tenant-a', read.run));
    expect(read.runs).toBe(1);
    await read.end(0);
    await expect(first).resolves.toBe(1);
    expect(read.runs).toBe(2);
    await read.end(1);
    await expect(Promise.all(later)).resolves.toEqual([2, 2, 2]);
    // Nothing under way: the next caller starts its own run.
    const next = reads.read('tenant-a', read.run);
    expect(read.runs).toBe(3);
    await read.end(2);
    await expect(next).resolves.toBe(3);
  });

  it('keeps keys apart', async () => {
    const reads = new SharedReads<number>();
    const read = manualRead();
    const a = reads.read('tenant-a', read.run);
    const b = reads.read('tenant-b', read.run);
    expect(read.runs).toBe(2);
    await read.end(1);
    await read.end(0);
    await expect(a).resolves.toBe(1);
    await expect(b).resolves.toBe(2);
  });

  it('a failed run fails only those it answers; the queued run still goes', async () => {
    const reads = new SharedReads<number>();
    const read = manualRead();
    const first = reads.read('tenant-a', read.run);
    const second = reads.read('tenant-a', read.run);
    const failed = expect(first).rejects.toThrow('database away');
    await read.end(0, new Error('database away'));
    await failed;
    expect(read.runs).toBe(2);
    await read.end(1);
    await expect(second).resolves.toBe(2);
  });
});
