// Reading the audit log (spec §7), newest first, a page at a time or as a file (CSV or JSON), with
// the names of the people, meetings and objects the entries are about beside their ids.
import { z } from 'zod';
import {
  AUDIT_EXPORT_LIMIT,
  auditExportQuerySchema,
  auditListSchema,
  auditQuerySchema,
  type AuditEntryView,
} from '@conclave/protocol';
import { auditCsv, exportFileName } from '../../audit/export.ts';
import { subjectNames } from '../../audit/subject-names.ts';
import type { AppContext } from '../../context.ts';
import { route } from '../../http/route.ts';
import type { Route } from '../../http/route.ts';
import { auditView } from '../../http/views.ts';
import type { AuditQuery } from '../../storage/records.ts';

interface Filters {
  kind?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

function filtersOf(query: Filters): Omit<AuditQuery, 'limit'> {
  return {
    ...(query.kind === undefined ? {} : { kind: query.kind }),
    ...(query.from === undefined ? {} : { from: Date.parse(query.from) }),
    ...(query.to === undefined ? {} : { to: Date.parse(query.to) }),
  };
}

export function auditRoutes(ctx: AppContext): Route[] {
  const named = async (tenantId: string, query: AuditQuery): Promise<AuditEntryView[]> => {
    const entries = await ctx.audit.list(tenantId, query);
    const names = await subjectNames(
      ctx.store,
      tenantId,
      entries.map((e) => e.subject),
    );
    return entries.map((e) => auditView(e, names.get(e.subject)));
  };
  return [
    route({
      method: 'GET',
      url: '/api/admin/audit',
      summary:
        'Read the audit log, newest first; filter by kind and time (from, to); page with before=<id of the last entry seen>',
      access: 'admin',
      query: auditQuerySchema,
      response: auditListSchema,
      async handler({ session, query }) {
        const entries = await named(session.tenantId, {
          limit: query.limit,
          ...(query.before === undefined ? {} : { before: query.before }),
          ...filtersOf(query),
        });
        return { entries };
      },
    }),
    route({
      method: 'GET',
      url: '/api/admin/audit/export',
      summary: `Download the audit log (the newest ${AUDIT_EXPORT_LIMIT} entries matching kind, from and to) as CSV or JSON`,
      access: 'admin',
      query: auditExportQuerySchema,
      response: z.string(),
      async handler({ session, query, reply }) {
        const entries = await named(session.tenantId, {
          limit: AUDIT_EXPORT_LIMIT,
          ...filtersOf(query),
        });
        const file = exportFileName(ctx.now(), query.format);
        void reply
          .header('content-disposition', `attachment; filename="${file}"`)
          .header('cache-control', 'no-store');
        if (query.format === 'csv') {
          return reply.type('text/csv; charset=utf-8').code(200).send(auditCsv(entries));
        }
        return reply.type('application/json; charset=utf-8').code(200).send({ entries });
      },
    }),
  ];
}
