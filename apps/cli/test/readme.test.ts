// The README's CLI walk-through, run as written against a fresh server and a `--demo` one, so the
// README cannot drift from the product again (issue 14): every line succeeds, except the one
// marked "refused", which fails and prints what the README says it prints.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot, runCli, tempDir } from './helpers/cli.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

interface Step {
  readonly line: string;
  readonly args: string[];
  /** What the README says a refused line prints; undefined: the line must succeed. */
  readonly refusedPrinting: string | undefined;
}

/** The `npx conclave …` lines of the README's CLI block, with their comments read. */
function walkThrough(): Step[] {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const block = readme
    .split('```sh')
    .slice(1)
    .map((part) => part.split('```')[0] ?? '')
    .find((part) => part.includes('npx conclave sign-in'));
  if (block === undefined) throw new Error('the README has no CLI walk-through');
  return block
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('npx conclave '))
    .map((line) => {
      const [command = '', comment = ''] = line.split(/\s+#\s+/, 2);
      const refused = /^refused, prints: (.+)$/.exec(comment);
      return {
        line,
        args: shellWords(command.replace(/^npx conclave /, '')),
        refusedPrinting: refused?.[1],
      };
    });
}

/** Words as a POSIX shell splits them, with double quotes (all the README uses). */
function shellWords(text: string): string[] {
  return [...text.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');
}

let server: TestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe("the README's CLI walk-through", () => {
  const steps = walkThrough();

  it('names the steps a newcomer takes, one of them refused on purpose', () => {
    expect(steps.map((s) => s.args[0])).toEqual([
      'sign-in',
      'policy',
      'policy',
      'label',
      'meeting',
      'meeting',
      'audit',
      'policy',
      'load',
    ]);
    expect(steps.filter((s) => s.refusedPrinting !== undefined)).toHaveLength(1);
  });

  for (const demo of [false, true]) {
    it(`runs as written on ${demo ? 'a --demo server' : 'a fresh server'}`, async () => {
      server = await startTestServer({ demo });
      const config = await tempDir('readme');
      try {
        for (const step of steps) {
          const result = await runCli(step.args, {
            configDir: config.path,
            env: { CONCLAVE_SERVER: server.url, CONCLAVE_PASSWORD: server.firstAdmin.password },
            timeoutMs: 120_000,
          });
          const said = `${step.line}\n${result.stdout}\n${result.stderr}`;
          if (step.refusedPrinting === undefined) {
            expect(result.code, said).toBe(0);
          } else {
            expect(result.code, said).not.toBe(0);
            expect(result.stderr, said).toContain(step.refusedPrinting);
            expect(result.stderr).not.toMatch(/\n\s+at /);
          }
        }
      } finally {
        await config.remove();
      }
    }, 300_000);
  }
});
