import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Browsers bundle this package: no module under sframe/ or keys/ may import a Node built-in at
// load time (node-backend.ts reaches node:crypto through process.getBuiltinModule, on call).
describe('sframe and keys stay bundleable for browsers', () => {
  for (const dir of ['sframe', 'keys']) {
    const url = new URL(`../../src/${dir}/`, import.meta.url);
    for (const file of readdirSync(url).filter((f) => f.endsWith('.ts'))) {
      it(`${dir}/${file} has no runtime import of a Node built-in`, () => {
        const source = readFileSync(new URL(file, url), 'utf8');
        const runtimeImports = [
          ...source.matchAll(/^import\s+(?!type\b)[^;]*?from\s+'([^']+)'/gms),
        ].map((m) => m[1]);
        expect(
          runtimeImports.filter((m) => m?.startsWith('node:') || m === 'crypto' || m === 'buffer'),
        ).toEqual([]);
      });
    }
  }
});
