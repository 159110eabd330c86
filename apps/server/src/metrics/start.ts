// Turns the metrics on when an exposure is configured (./endpoint.ts): a per-server `Metrics`, the
// store wrapped to time its operations, and later the route and/or the separate listener. Off,
// the server runs with the bare store and no /metrics.
import type { FastifyInstance } from 'fastify';
import type { Store } from '../storage/store.ts';
import {
  listenForMetrics,
  metricsExposureFromEnv,
  registerMetricsRoute,
  type MetricsExposure,
} from './endpoint.ts';
import { Metrics } from './metrics.ts';
import { timedStore } from './timed-store.ts';

export interface StartedMetrics {
  store: Store;
  metrics: Metrics | undefined;
  /** Registers `GET /metrics` and opens the metrics port, as configured. */
  expose(app: FastifyInstance): Promise<{ url: string; close(): Promise<void> } | undefined>;
}

export function startMetrics(
  store: Store,
  exposure: MetricsExposure = metricsExposureFromEnv(process.env),
): StartedMetrics {
  const { token, port } = exposure;
  if (token === undefined && port === undefined) {
    return { store, metrics: undefined, expose: () => Promise.resolve(undefined) };
  }
  const metrics = new Metrics();
  return {
    store: timedStore(store, metrics),
    metrics,
    async expose(app) {
      if (token !== undefined) registerMetricsRoute(app, metrics, token);
      if (port === undefined) return undefined;
      return listenForMetrics(metrics, port, exposure.host ?? '127.0.0.1');
    },
  };
}
