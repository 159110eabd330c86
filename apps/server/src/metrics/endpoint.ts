// Where Prometheus reads the metrics: `GET /metrics` on the main server behind a bearer token
// (CONCLAVE_METRICS_TOKEN), and/or a separate listener (CONCLAVE_METRICS_PORT, loopback unless
// CONCLAVE_METRICS_HOST says otherwise) that only serves them. Neither configured: no /metrics
// at all (the main server answers 404).
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { ServerError } from '../errors.ts';
import type { Metrics } from './metrics.ts';

export const METRICS_PATH = '/metrics';

export interface MetricsExposure {
  /** Bearer token `GET /metrics` on the main server requires. */
  token?: string | undefined;
  /** A port of its own for the metrics (0 picks a free one). */
  port?: number | undefined;
  /** Where that port listens. Default: 127.0.0.1. */
  host?: string | undefined;
}

/** The exposure the environment asks for; empty strings count as unset. */
export function metricsExposureFromEnv(env: NodeJS.ProcessEnv): MetricsExposure {
  const token = env.CONCLAVE_METRICS_TOKEN || undefined;
  const rawPort = env.CONCLAVE_METRICS_PORT || undefined;
  const port = rawPort === undefined ? undefined : Number(rawPort);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535)) {
    throw new ServerError(
      'INVALID_INPUT',
      'CONCLAVE_METRICS_PORT must be a whole number from 0 to 65535.',
    );
  }
  return { token, port, host: env.CONCLAVE_METRICS_HOST || undefined };
}

/** Compares digests, so neither the token's length nor its content leaks through timing. */
function tokenMatches(header: string | undefined, token: string): boolean {
  const given = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(token));
}

/** `GET /metrics` on the main app, answering 401 without the token. */
export function registerMetricsRoute(app: FastifyInstance, metrics: Metrics, token: string): void {
  app.get(METRICS_PATH, async (request, reply) => {
    if (!tokenMatches(request.headers.authorization, token)) {
      void reply.header('WWW-Authenticate', 'Bearer');
      throw new ServerError('UNAUTHENTICATED', 'Send the metrics token as a Bearer token.');
    }
    const { contentType, body } = await metrics.scrape();
    return reply.type(contentType).send(body);
  });
}

/** A listener that serves only `GET /metrics`, for a port the network does not expose. */
export async function listenForMetrics(
  metrics: Metrics,
  port: number,
  host: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url !== METRICS_PATH) {
      response.writeHead(404).end();
      return;
    }
    metrics.scrape().then(
      ({ contentType, body }) => response.writeHead(200, { 'content-type': contentType }).end(body),
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${bound}${METRICS_PATH}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
