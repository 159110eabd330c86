// `npm run bench [-- --json] [-- --only NAME]`: runs every suite in bench/suites, in order.
// Each suite is a module exporting `name` and `run(bench)`.
import { readdir } from 'node:fs/promises';
import { createBench } from './harness.ts';

interface Suite {
  name: string;
  run(bench: ReturnType<typeof createBench>): Promise<void>;
}

const args = process.argv.slice(2);
const json = args.includes('--json');
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? args[onlyIndex + 1] : undefined;

const dir = new URL('./suites/', import.meta.url);
const files = (await readdir(dir)).filter((f) => f.endsWith('.bench.ts')).sort();
const bench = createBench(json);
if (!json) {
  process.stdout.write(
    `${'benchmark'.padEnd(52)} ${'value'.padStart(22)} ${'baseline'.padStart(22)} ${'ratio'.padStart(9)}\n`,
  );
}
for (const file of files) {
  const suite = (await import(new URL(file, dir).href)) as Suite;
  if (only !== undefined && !suite.name.includes(only)) continue;
  bench.progress(`suite ${suite.name}`);
  await suite.run(bench);
}
