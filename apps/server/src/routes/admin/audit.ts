// Reading the audit log (spec §7), newest first, a page at a time.
import { auditListSchema, auditQuerySchema } from '@conclave/protocol';
import type { AppContext } from '../../context.ts';
import { route } from '../../http/route.ts';
import type { Route } from '../../http/route.ts';
import { auditView } from '../../http/views.ts';

export function auditRoutes(ctx: AppContext): Route[] {
  return [
    route({
      method: 'GET',
      url: '/api/admin/audit',
      summary: 'Read the audit log, newest first; page with before=<id of the last entry seen>',
      access: 'admin',
      query: auditQuerySchema,
      response: auditListSchema,
      async handler({ session, query }) {
        const entries = await ctx.audit.list(session.tenantId, {
          limit: query.limit,
          ...(query.before === undefined ? {} : { before: query.before }),
          ...(query.kind === undefined ? {} : { kind: query.kind }),
        });
        return { entries: entries.map(auditView) };
      },
    }),
  ];
}
