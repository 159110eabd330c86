// Every answer of the real server carries the security headers: the API's, its errors, and the web
// app's shell and assets. HSTS is sent only when the request came over TLS.
import Fastify from 'fastify';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/index.ts';
import { securityHeaders } from '../src/http/security-headers.ts';
import { fastPasswords, sqliteDatabase, type TestDatabase } from './support/databases.ts';

let database: TestDatabase;
let webRoot: string;
let server: RunningServer;

beforeAll(async () => {
  database = sqliteDatabase();
  // A stand-in for the built app: the headers do not depend on what it holds.
  webRoot = mkdtempSync(join(tmpdir(), 'conclave-web-'));
  writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>Conclave</title>');
  server = await startServer({
    port: 0,
    ...database.location,
    passwordCost: fastPasswords,
    log: () => undefined,
    webRoot,
  });
});
afterAll(async () => {
  await server?.close();
  await database?.drop();
  rmSync(webRoot, { recursive: true, force: true });
});

describe('security headers', () => {
  it('come with the app shell, the API, its errors and unknown routes', async () => {
    const host = new URL(server.url).host;
    for (const path of [
      '/',
      '/meetings/x/room',
      '/index.html',
      '/healthz',
      '/api/me',
      '/api/none',
    ]) {
      const response = await fetch(`${server.url}${path}`);
      const policy = response.headers.get('content-security-policy') ?? '';
      expect(policy, path).toContain("default-src 'self'");
      expect(policy, path).toContain("script-src 'self'");
      expect(policy, path).toContain("style-src 'self'");
      expect(policy, path).toContain("object-src 'none'");
      expect(policy, path).toContain("frame-ancestors 'none'");
      expect(policy, path).toContain(`connect-src 'self' ws://${host} wss://${host}`);
      expect(policy, path).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('x-frame-options'), path).toBe('DENY');
      expect(response.headers.get('referrer-policy'), path).toBe('no-referrer');
      // Plain http: no HSTS.
      expect(response.headers.get('strict-transport-security'), path).toBeNull();
    }
  });

  it('spell out no socket source for a Host header that is not a plain host', async () => {
    const app = Fastify();
    app.addHook('onSend', securityHeaders);
    app.get('/', () => 'ok');
    const reply = await app.inject({
      url: '/',
      headers: { host: "x; script-src 'unsafe-inline'" },
    });
    expect(reply.headers['content-security-policy']).not.toContain('unsafe-inline');
    await app.close();
  });

  it('add HSTS only when the request came over TLS: here, says a trusted proxy', async () => {
    const proxied = await startServer({
      port: 0,
      ...database.location,
      passwordCost: fastPasswords,
      log: () => undefined,
      webRoot,
      trustedProxies: ['127.0.0.1'],
    });
    try {
      const tls = await fetch(`${proxied.url}/healthz`, {
        headers: { 'x-forwarded-proto': 'https' },
      });
      expect(tls.headers.get('strict-transport-security')).toBe('max-age=31536000');
      const plain = await fetch(`${proxied.url}/healthz`);
      expect(plain.headers.get('strict-transport-security')).toBeNull();
    } finally {
      await proxied.close();
    }
    // From a peer nobody trusts, the header is anyone's word.
    const forged = await fetch(`${server.url}/healthz`, {
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(forged.headers.get('strict-transport-security')).toBeNull();
  });
});
