// Serves the browser app (apps/web/dist, built by Vite) from the same origin as the API, so the
// session cookie (SameSite=Strict) works. The app routes with the History API: any other GET
// outside the API answers with index.html, so a reload of /admin/users is not a 404.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** apps/web/dist, next to this app in the repository. */
export const defaultWebRoot = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

const apiPrefixes = ['/api/', '/healthz', '/readyz', '/openapi.json'];

export function isAppShellRequest(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const path = request.url.split('?')[0] ?? '';
  // A missing file (/assets/gone.js) is a 404, not the app shell.
  if (/\.[A-Za-z0-9]+$/.test(path)) return false;
  return !apiPrefixes.some(
    (prefix) => path === prefix.replace(/\/$/, '') || path.startsWith(prefix),
  );
}

/** Returns false when there is no built app to serve (the API still works). */
export async function registerWebApp(app: FastifyInstance, webRoot: string): Promise<boolean> {
  if (!existsSync(join(webRoot, 'index.html'))) return false;
  await app.register(fastifyStatic, {
    root: webRoot,
    prefix: '/',
    wildcard: true,
    // Vite names assets by content hash: cache them for good; index.html must stay fresh.
    setHeaders(reply, path) {
      reply.header(
        'cache-control',
        path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  return true;
}

export function sendAppShell(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-cache').sendFile('index.html');
}
