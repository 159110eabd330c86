// What the shared packages may import (ARCHITECTURE.md, "What may import what"). The crypto
// package's server/member split has its own import-graph test (packages/crypto/test/mls); this
// one keeps the words and the wire contract free of the governance engine: the vocabulary is a
// leaf, and the protocol speaks the vocabulary, never @conclave/policy. Every import statement
// counts here, `import type` too: a type import still ties the contract to the engine's code.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const IMPORT =
  /(?:^|[;\n])\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Every module specifier a package's sources name that is not one of its own files. */
function outsideImports(packageDir: string): string[] {
  const src = resolve(root, packageDir, 'src');
  const found = new Set<string>();
  for (const file of sourceFiles(src)) {
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = match[1] ?? match[2]!;
      if (!spec.startsWith('.')) {
        found.add(spec);
        continue;
      }
      // A relative import that climbs out of src is still an import of another package.
      const target = relative(src, resolve(dirname(file), spec));
      if (target.startsWith('..')) found.add(target);
    }
  }
  return [...found].sort();
}

function dependenciesOf(packageDir: string): string[] {
  const manifest = JSON.parse(readFileSync(resolve(root, packageDir, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  return Object.keys(manifest.dependencies ?? {}).sort();
}

describe('package boundaries', () => {
  it('the vocabulary imports nothing and depends on nothing', () => {
    expect(outsideImports('packages/vocabulary')).toEqual([]);
    expect(dependenciesOf('packages/vocabulary')).toEqual([]);
  });

  it('the protocol imports the vocabulary and zod, never the governance engine', () => {
    const imports = outsideImports('packages/protocol');
    expect(imports).toContain('@conclave/vocabulary');
    expect(imports.filter((spec) => spec.startsWith('@conclave/policy'))).toEqual([]);
    expect(imports.filter((spec) => spec.includes('packages/policy'))).toEqual([]);
    expect(dependenciesOf('packages/protocol')).not.toContain('@conclave/policy');
  });

  it('is a real check: it sees the engine importing the vocabulary', () => {
    expect(outsideImports('packages/policy')).toContain('@conclave/vocabulary');
  });
});
