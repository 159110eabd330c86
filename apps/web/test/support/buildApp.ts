// Builds apps/web into dist/ with Vite's JS API, as `npm run build -w @conclave/web` would.
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

export const webRoot = fileURLToPath(new URL('../..', import.meta.url));
export const distDir = fileURLToPath(new URL('../../dist', import.meta.url));

export async function buildWebApp(): Promise<void> {
  await build({
    root: webRoot,
    configFile: fileURLToPath(new URL('../../vite.config.ts', import.meta.url)),
    logLevel: 'warn',
  });
}
