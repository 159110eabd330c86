// Invariant 1 of the spec: the server can reach the server-safe side of the crypto package but
// never the member side (group state, Welcome, exporter). This walks the real import statements
// from src/server.ts through our own files and into ts-mls's modules. The web app, for its part,
// reaches the member side only through the SDK (`@conclave/client`, `/browser` for the SFrame
// worker): no file of apps/web names the crypto member entry.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const src = resolve(here, '../../src');
const tsMlsRoot = resolve(here, '../../../../node_modules/ts-mls/dist/src');

// Value imports and re-exports; `import type` / `export type` are erased and load nothing.
const IMPORT =
  /(?:^|[;\n])\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

interface Graph {
  readonly own: Set<string>;
  readonly library: Set<string>;
  readonly packages: Set<string>;
}

function walk(entry: string): Graph {
  const graph: Graph = { own: new Set(), library: new Set(), packages: new Set() };
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    const inLibrary = file.startsWith(tsMlsRoot);
    const set = inLibrary ? graph.library : graph.own;
    if (set.has(file)) continue;
    set.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const spec = match[1] ?? match[2]!;
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec);
        if (!existsSync(target)) throw new Error(`unresolved import ${spec} in ${file}`);
        queue.push(target);
      } else if (spec === 'ts-mls') {
        queue.push(resolve(tsMlsRoot, 'index.js'));
      } else if (spec.startsWith('ts-mls/')) {
        queue.push(resolve(tsMlsRoot, spec.slice('ts-mls/'.length)));
      } else {
        graph.packages.add(spec);
      }
    }
  }
  return graph;
}

const rel = (files: Set<string>, root: string): string[] =>
  [...files].map((f) => relative(root, f)).sort();

describe('server-safe entry', () => {
  const server = walk(resolve(src, 'server.ts'));
  const member = walk(resolve(src, 'member.ts'));

  it('reaches none of our member-side modules', () => {
    const own = rel(server.own, src);
    expect(own).toContain('mls/public/proposals.ts');
    expect(own.filter((f) => f.startsWith('mls/member/'))).toEqual([]);
    expect(own).not.toContain('member.ts');
    expect(own).not.toContain('keys/index.ts');
  });

  it('reaches no library module that holds group state, processes a Welcome or runs the key schedule', () => {
    const library = rel(server.library, tsMlsRoot);
    expect(library).toContain('messageProtectionPublic.js');
    const forbidden = [
      'index.js',
      'clientState.js',
      'createCommit.js',
      'processMessages.js',
      'welcome.js',
      'groupSecrets.js',
      'keySchedule.js',
      'secretTree.js',
      'resumption.js',
      'createMessage.js',
      'messageProtection.js',
    ];
    expect(library.filter((f) => forbidden.includes(f))).toEqual([]);
  });

  it('is a real check: the member entry does reach them', () => {
    expect(rel(member.own, src).filter((f) => f.startsWith('mls/member/')).length).toBeGreaterThan(
      5,
    );
    expect(rel(member.library, tsMlsRoot)).toEqual(
      expect.arrayContaining(['clientState.js', 'welcome.js', 'keySchedule.js']),
    );
  });

  it('loads node:crypto only lazily, so the package bundles for browsers', () => {
    expect(
      [...server.packages, ...member.packages].filter((p) => p === 'node:crypto' || p === 'crypto'),
    ).toEqual([]);
  });

  it('keeps ts-mls inside src/mls', () => {
    for (const file of [...server.own, ...member.own]) {
      if (relative(src, file).startsWith('mls/')) continue;
      expect(readFileSync(file, 'utf8'), relative(src, file)).not.toMatch(/from\s+['"]ts-mls/);
    }
  });
});

describe('the web app', () => {
  const web = resolve(here, '../../../../apps/web');
  // Every module a file names, type-only imports included: `import type` still couples the app to
  // the member side's shapes.
  const SPECIFIER = /(?:\bfrom\s+|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g;
  // Browser tests that play a second device outside the browser (re-keying a stored device
  // record) do member-side work on purpose; the app itself never does. Named here and in
  // eslint.config.js, so another exception is a visible change.
  const deviceForgingTests = [
    'test/device-key.e2e.test.ts',
    'test/room-identity.e2e.test.ts',
    'test/room-verify.e2e.test.ts',
  ];

  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = resolve(dir, entry.name);
      if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : files(path);
      return /\.tsx?$/.test(entry.name) ? [path] : [];
    });
  const imports = (file: string): string[] =>
    [...readFileSync(file, 'utf8').matchAll(SPECIFIER)].map((m) => m[1]!);
  const webFiles = [...files(resolve(web, 'src')), ...files(resolve(web, 'test'))];

  it('names no crypto member entry in any file of apps/web', () => {
    const offenders = webFiles
      .filter((file) => !deviceForgingTests.includes(relative(web, file)))
      .flatMap((file) =>
        imports(file)
          .filter((spec) => /^@conclave\/crypto\/member\b|packages\/crypto\//.test(spec))
          .map((spec) => `${relative(web, file)}: ${spec}`),
      );
    expect(offenders).toEqual([]);
  });

  it('is a real check: it sees the SDK entries the app does use, and the named exceptions', () => {
    const all = new Set(webFiles.flatMap(imports));
    expect(all).toContain('@conclave/client');
    expect(all).toContain('@conclave/client/browser');
    for (const name of deviceForgingTests)
      expect(imports(resolve(web, name))).toContain('@conclave/crypto/member');
  });
});
