// Liveness (`/healthz`: the process answers) and readiness (`/readyz`: it can serve, its database
// answers). A load balancer sends people only to ready nodes; an orchestrator restarts dead ones.
import { z } from 'zod';
import { okSchema } from '@conclave/protocol';
import type { AppContext } from '../context.ts';
import { route } from '../http/route.ts';
import type { Route } from '../http/route.ts';

const readySchema = z.object({ ok: z.literal(true), database: z.literal('reachable') });

export function healthRoutes(ctx: AppContext): Route[] {
  return [
    route({
      method: 'GET',
      url: '/healthz',
      summary: 'Liveness check',
      access: 'public',
      response: okSchema,
      handler: () => Promise.resolve({ ok: true as const }),
    }),
    route({
      method: 'GET',
      url: '/readyz',
      summary: 'Readiness check: 503 UNAVAILABLE while the database cannot be reached',
      access: 'public',
      response: readySchema,
      handler: async () => {
        await ctx.store.ping();
        return { ok: true as const, database: 'reachable' as const };
      },
    }),
  ];
}
