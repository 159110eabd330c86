// The server serves the built browser app at `/` with a History-API fallback, and keeps typed
// 404s for the API and for missing files.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../src/index.ts';
import type { RunningServer } from '../src/index.ts';

describe('web app serving', () => {
  let server: RunningServer;
  beforeAll(async () => {
    const webRoot = mkdtempSync(join(tmpdir(), 'conclave-web-'));
    mkdirSync(join(webRoot, 'assets'));
    writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>Conclave shell</title>');
    writeFileSync(join(webRoot, 'assets', 'app-123.js'), 'console.log(1)');
    server = await startServer({
      port: 0,
      dataDir: mkdtempSync(join(tmpdir(), 'conclave-data-')),
      webRoot,
      log: () => {},
    });
  });
  afterAll(() => server.close());

  it('serves index.html at / and for app routes, uncached', async () => {
    for (const path of ['/', '/admin/users', '/meetings/abc/room']) {
      const response = await fetch(server.url + path);
      expect(response.status, path).toBe(200);
      expect(await response.text()).toContain('Conclave shell');
      expect(response.headers.get('cache-control')).toBe('no-cache');
    }
  });

  it('serves hashed assets as immutable', async () => {
    const response = await fetch(`${server.url}/assets/app-123.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toContain('immutable');
  });

  it('keeps typed 404s for unknown API routes and missing files', async () => {
    for (const path of ['/api/nope', '/assets/gone.js']) {
      const response = await fetch(server.url + path);
      expect(response.status, path).toBe(404);
      expect(await response.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    }
  });
});
