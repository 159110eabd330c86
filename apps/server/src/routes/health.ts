import { okSchema } from '@conclave/protocol';
import { route } from '../http/route.ts';
import type { Route } from '../http/route.ts';

export function healthRoutes(): Route[] {
  return [
    route({
      method: 'GET',
      url: '/healthz',
      summary: 'Liveness check',
      access: 'public',
      response: okSchema,
      handler: () => Promise.resolve({ ok: true as const }),
    }),
  ];
}
