// What organizers pick from when scheduling: the tenant's templates and labels, read-only.
import { labelListSchema, templateListSchema } from '@conclave/protocol';
import type { AppContext } from '../context.ts';
import { route } from '../http/route.ts';
import type { Route } from '../http/route.ts';

export function catalogRoutes(ctx: AppContext): Route[] {
  return [
    route({
      method: 'GET',
      url: '/api/templates',
      summary: 'Meeting templates I can schedule with',
      access: 'user',
      response: templateListSchema,
      async handler({ session }) {
        return { templates: await ctx.store.templates.list(session.tenantId) };
      },
    }),
    route({
      method: 'GET',
      url: '/api/labels',
      summary: 'Sensitivity labels I can schedule with',
      access: 'user',
      response: labelListSchema,
      async handler({ session }) {
        return { labels: await ctx.store.labels.list(session.tenantId) };
      },
    }),
  ];
}
