// Composes the Fastify app: JSON parsing with a size limit, typed errors for everything (bad JSON,
// too large, unknown route, crashes), one request log line without bodies or headers, and the
// route groups. Later parts of the server (signalling, MLS delivery, media relay) register as
// further groups or plugins beside these.
import cookie from '@fastify/cookie';
import type { Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppContext } from '../context.ts';
import { ServerError } from '../errors.ts';
import { UNAVAILABLE_RETRY_SECONDS } from '../storage/unavailable.ts';
import { authenticate, requireAccess } from './auth.ts';
import { toErrorResponse, toFrameworkErrorResponse } from './errors.ts';
import { openApiDocument } from './openapi.ts';
import { refuseCrossSite } from './origin.ts';
import { securityHeaders } from './security-headers.ts';
import type { Route } from './route.ts';
import { isAppShellRequest, registerWebApp, sendAppShell } from './web-app.ts';

export const BODY_LIMIT = 64 * 1024;

/** A certificate and key (PEM) to serve HTTPS and WSS with; without one, plain HTTP. */
export interface TlsPair {
  cert: string;
  key: string;
}

export async function buildApp(
  ctx: AppContext,
  routes: readonly Route[],
  tls?: TlsPair,
): Promise<FastifyInstance> {
  const app = Fastify({
    // An https.Server is what Fastify's `https` option makes too; made here so its certificate
    // can be replaced while it runs (setSecureContext, ../tls/reloader.ts).
    ...(tls === undefined
      ? {}
      : {
          serverFactory: (handler: Parameters<typeof createHttpsServer>[1]) =>
            createHttpsServer({ cert: tls.cert, key: tls.key }, handler) as unknown as HttpServer,
        }),
    logger: false,
    // A request id a person can quote to support: sent back as X-Request-Id, on every log line.
    genReqId: () => randomBytes(8).toString('hex'),
    bodyLimit: BODY_LIMIT,
    // While closing, requests still arriving on open connections get the contract's typed 503
    // (below) rather than Fastify's own untyped one.
    return503OnClosing: false,
    // Client address and protocol from X-Forwarded-* only via a trusted proxy (trusted-proxies.ts).
    trustProxy: ctx.trustedProxies?.length ? [...ctx.trustedProxies] : false,
    // Errors Fastify raises before routing (a malformed URL) get the contract's body too.
    frameworkErrors: (error, request, reply) => {
      const { status, body } = toFrameworkErrorResponse(error, request.url);
      void (reply as FastifyReply).code(status).send(body);
    },
  });

  // Shutting down (SIGTERM): what still arrives is told to come back, as during a database outage.
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onRequest', (_request, reply, done) => {
    if (!closing) {
      done();
      return;
    }
    const restarting = new ServerError(
      'UNAVAILABLE',
      'The server is restarting; try again shortly.',
    );
    void reply
      .code(restarting.status)
      .header('retry-after', String(UNAVAILABLE_RETRY_SECONDS))
      .header('connection', 'close')
      .send(toErrorResponse(restarting).body);
  });

  await app.register(cookie);
  // Cross-site requests are refused by origin, not left to SameSite alone (./origin.ts).
  app.addHook('onRequest', refuseCrossSite(ctx.allowedOrigins ?? []));
  // CSP, nosniff, no framing, referrer policy, HSTS over TLS (./security-headers.ts).
  app.addHook('onSend', securityHeaders);
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });

  // JSON only (anything else is 415), parsed here: an empty body is "no body" (so a bodiless POST
  // with a JSON content type is not an error), and a parse failure is the typed INVALID_JSON.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: BODY_LIMIT },
    (_request, text, done) => {
      const source = typeof text === 'string' ? text : text.toString('utf8');
      if (source.trim() === '') {
        done(null, undefined);
        return;
      }
      try {
        done(null, JSON.parse(source));
      } catch {
        done(new ServerError('INVALID_JSON', 'The request body is not valid JSON.'), undefined);
      }
    },
  );

  app.setErrorHandler((error, request, reply) => {
    const { status, body, unexpected } = toErrorResponse(error);
    if (unexpected) {
      ctx.log.error('request failed', {
        reqId: request.id,
        method: request.method,
        route: request.routeOptions.url ?? '(unmatched)',
        error: error instanceof Error ? `${error.name}: ${error.message}` : 'non-error thrown',
      });
    }
    if (error instanceof ServerError && error.code === 'UNAVAILABLE') {
      ctx.log.error('request refused: database unavailable', {
        reqId: request.id,
        method: request.method,
        route: request.routeOptions.url ?? '(unmatched)',
        reason: error.message,
      });
    }
    if (error instanceof ServerError && error.retryAfterSeconds !== undefined) {
      void reply.header('retry-after', String(error.retryAfterSeconds));
    }
    return reply.code(status).send(body);
  });

  const servesWebApp = ctx.webRoot === undefined ? false : await registerWebApp(app, ctx.webRoot);
  app.setNotFoundHandler((request, reply) =>
    servesWebApp && isAppShellRequest(request)
      ? sendAppShell(reply)
      : reply.code(404).send({ error: { code: 'NOT_FOUND', message: 'No such route.' } }),
  );

  app.addHook('onResponse', (request, reply, done) => {
    ctx.log.info('request', {
      reqId: request.id,
      method: request.method,
      route: request.routeOptions.url ?? '(unmatched)',
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
    });
    done();
  });

  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.url,
      // Also the JSON parser's limit (a route's own limit wins over the parser's default).
      bodyLimit: route.bodyLimit ?? BODY_LIMIT,
      handler: async (request, reply) => {
        const session = await authenticate(ctx, request);
        requireAccess(route, session);
        const result = await route.handle(request, reply, session);
        // A route that answered itself (a redirect, a page) has nothing more to send.
        if (reply.sent) return reply;
        return reply.code(route.status).send(result);
      },
    });
  }

  const document = openApiDocument(routes);
  app.get('/openapi.json', (_request, reply) => reply.send(document));

  return app;
}
