// The benchmark harness: each figure is measured beside its baseline in the same run and printed
// as a ratio, so a noisy machine still gives comparable numbers.
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  baseline: number | null;
  ratio: number | null;
}

export interface Bench {
  /** Records one figure; `baseline` is the same measure of the reference in this run. */
  record(name: string, value: number, unit: string, baseline?: number): void;
  /** Progress for people (stderr), silent in --json mode. */
  progress(message: string): void;
}

/** Runs `fn` repeatedly for about `ms` milliseconds (after a short warm-up); returns ops/s. */
export async function opsPerSecond(fn: () => unknown, ms = 500): Promise<number> {
  const warmUntil = performance.now() + Math.min(100, ms / 5);
  while (performance.now() < warmUntil) await fn();
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    await fn();
    ops++;
    now = performance.now();
  }
  return (ops * 1000) / (now - start);
}

/** Times one call of `fn` in milliseconds. */
export async function timeMs(fn: () => unknown): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

export function createBench(json: boolean): Bench & { rows: BenchRow[] } {
  const rows: BenchRow[] = [];
  return {
    rows,
    record(name, value, unit, baseline) {
      const row: BenchRow = {
        name,
        value: round(value),
        unit,
        baseline: baseline === undefined ? null : round(baseline),
        ratio: baseline === undefined || baseline === 0 ? null : round(value / baseline, 3),
      };
      rows.push(row);
      if (json) process.stdout.write(`${JSON.stringify(row)}\n`);
      else printRow(row);
    },
    progress(message) {
      if (!json) process.stderr.write(`… ${message}\n`);
    },
  };
}

function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function printRow(row: BenchRow): void {
  const value = `${row.value.toLocaleString('en-US')} ${row.unit}`;
  const base = row.baseline === null ? '' : `${row.baseline.toLocaleString('en-US')} ${row.unit}`;
  const ratio = row.ratio === null ? '' : `× ${row.ratio}`;
  process.stdout.write(
    `${row.name.padEnd(52)} ${value.padStart(22)} ${base.padStart(22)} ${ratio.padStart(9)}\n`,
  );
}
