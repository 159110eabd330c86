// The security headers of every answer, the API's and the web app's alike. The Content-Security-
// Policy is strict: scripts and styles only from this origin (the built app has no inline script
// or style: apps/web/test/csp.e2e.test.ts proves it in Chromium), no eval, the SFrame worker from
// this origin, camera and microphone as MediaStreams, and network access only to this origin and
// its own WebSocket. No framing anywhere. HSTS only when the request came over TLS (directly, or
// per X-Forwarded-Proto from a trusted proxy: Fastify's `request.protocol`).
import type { FastifyReply, FastifyRequest, onSendHookHandler } from 'fastify';

const staticPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: mediastream:",
  "font-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
];

/** A Host header as browsers send it (name or address, optional port): nothing to inject. */
const plainHost = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

export function contentSecurityPolicy(host: string): string {
  // 'self' covers the same origin's ws:/wss: in CSP Level 3; older engines need them spelled out.
  const sockets = plainHost.test(host) ? ` ws://${host} wss://${host}` : '';
  return [...staticPolicy, `connect-src 'self'${sockets}`].join('; ');
}

const oneYear = 365 * 24 * 60 * 60;

export function setSecurityHeaders(request: FastifyRequest, reply: FastifyReply): void {
  void reply.header('content-security-policy', contentSecurityPolicy(request.host));
  void reply.header('x-content-type-options', 'nosniff');
  void reply.header('x-frame-options', 'DENY');
  // The app's own fetches still carry Origin and Sec-Fetch-Site, which the cross-site check
  // (./origin.ts) reads; no Referer is needed, and none leaves for another site.
  void reply.header('referrer-policy', 'no-referrer');
  if (request.protocol === 'https') {
    void reply.header('strict-transport-security', `max-age=${oneYear}`);
  }
}

/** The onSend hook: every answer, errors and the app shell included, carries the headers. */
export const securityHeaders: onSendHookHandler = (request, reply, payload, done) => {
  setSecurityHeaders(request, reply);
  done(null, payload);
};
