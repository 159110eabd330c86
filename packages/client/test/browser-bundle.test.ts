// The SDK's main entry bundles for a browser: nothing it reaches imports a Node built-in (those
// live behind `@conclave/client/node`).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const entry = (name: string) => fileURLToPath(new URL(`../src/${name}`, import.meta.url));

describe('the browser entry', () => {
  it('bundles for the browser platform without any Node built-in', async () => {
    const result = await build({
      entryPoints: [entry('index.ts')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
      metafile: true,
    });
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((path) => path.includes('packages/client/src/meeting/meeting.ts'))).toBe(
      true,
    );
    expect(inputs.filter((path) => path.startsWith('node:') || path.includes('/node/'))).toEqual(
      [],
    );
    expect(inputs.some((path) => path.includes('node_modules/ws/'))).toBe(false);
  });

  it('the browser-only entry and its SFrame worker bundle without any Node built-in', async () => {
    for (const name of ['browser.ts', 'browser/worker/sframe.worker.ts']) {
      const result = await build({
        entryPoints: [entry(name)],
        bundle: true,
        platform: 'browser',
        format: 'esm',
        write: false,
        logLevel: 'silent',
        metafile: true,
      });
      expect(result.errors).toEqual([]);
      const inputs = Object.keys(result.metafile.inputs);
      expect(inputs.filter((path) => path.startsWith('node:') || path.includes('/node/'))).toEqual(
        [],
      );
    }
  });

  it('the Node entry is the one that needs Node', async () => {
    const failure = await build({
      entryPoints: [entry('node.ts')],
      bundle: true,
      platform: 'browser',
      write: false,
      logLevel: 'silent',
    }).catch((error: { errors: { text: string }[] }) => error);
    expect('errors' in failure && failure.errors.some((e) => e.text.includes('node:'))).toBe(true);
  });
});
