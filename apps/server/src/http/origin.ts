// Cross-site request forgery, refused by origin rather than left to the cookie's SameSite alone.
// A request that changes something (any method but GET, HEAD, OPTIONS) and the realtime socket's
// upgrade must come from this server's own origin — the Origin's host equals the request's host
// (Host, or X-Forwarded-Host behind a trusted proxy) — or from an origin listed in
// CONCLAVE_ALLOWED_ORIGINS. Browsers always send Origin on such requests; a request without one
// is a script (the CLI, the SDK: they authenticate with a bearer token, which no other site can
// make a browser send) unless it carries the session cookie, and then it must show it came from
// our own pages (Sec-Fetch-Site: same-origin, or a same-origin Referer). Like Go's
// CrossOriginProtection, the scheme is not compared, so a TLS-terminating proxy needs no setting.
import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { ServerError } from '../errors.ts';
import { SESSION_COOKIE } from './auth.ts';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** `CONCLAVE_ALLOWED_ORIGINS`: comma-separated origins (`https://app.example.com`), normalised. */
export function parseAllowedOrigins(value: string | undefined): string[] {
  if (value === undefined || value.trim() === '') return [];
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      let url: URL | undefined;
      try {
        url = new URL(entry);
      } catch {
        url = undefined;
      }
      const bare = url !== undefined && (url.pathname === '/' || url.pathname === '');
      if (
        url === undefined ||
        !['http:', 'https:'].includes(url.protocol) ||
        !bare ||
        url.search !== '' ||
        url.hash !== '' ||
        url.username !== '' ||
        url.password !== ''
      ) {
        throw new ServerError(
          'INVALID_INPUT',
          `CONCLAVE_ALLOWED_ORIGINS: ${JSON.stringify(entry)} is not an origin like https://meet.example.com (scheme, host and optional port; no path).`,
        );
      }
      return url.origin;
    });
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

function refused(): ServerError {
  return new ServerError(
    'ORIGIN_NOT_ALLOWED',
    'This request came from a page of another site and was refused. A web app served from another origin must be listed in CONCLAVE_ALLOWED_ORIGINS; scripts send Authorization: Bearer instead of the session cookie.',
  );
}

/** Why `request` must be refused as cross-site, or undefined if it may go on. */
export function crossSiteRefusal(
  request: FastifyRequest,
  allowed: ReadonlySet<string>,
): ServerError | undefined {
  const upgrade = request.headers.upgrade?.toLowerCase() === 'websocket';
  if (!upgrade && safeMethods.has(request.method)) return undefined;
  const ownHost = request.host.toLowerCase();
  const origin = request.headers.origin;
  if (origin !== undefined) {
    return hostOf(origin) === ownHost || allowed.has(origin) ? undefined : refused();
  }
  // Browsers send Origin with every WebSocket upgrade: none means a script (the SDK).
  if (upgrade) return undefined;
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin' ? undefined : refused();
  const byCookie =
    request.headers.authorization === undefined && request.cookies[SESSION_COOKIE] !== undefined;
  if (!byCookie) return undefined;
  const referer = request.headers.referer;
  return referer !== undefined && hostOf(referer) === ownHost ? undefined : refused();
}

/** The onRequest hook: refuses cross-site requests with 403 ORIGIN_NOT_ALLOWED. */
export function refuseCrossSite(allowedOrigins: readonly string[]): onRequestAsyncHookHandler {
  const allowed = new Set(allowedOrigins);
  return (request, reply) => {
    const refusal = crossSiteRefusal(request, allowed);
    if (refusal === undefined) return Promise.resolve();
    // A refused WebSocket upgrade gets its 403 on the raw socket, which nothing else closes (the
    // websocket plugin's own hooks never ran for it).
    if (request.headers.upgrade !== undefined) {
      reply.raw.once('finish', () => request.raw.socket.destroy());
    }
    return Promise.reject(refusal);
  };
}
