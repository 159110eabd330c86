// The organization's settings: its name and the E2EE limits (spec §1, §5).
import { alwaysBlockedPlatforms } from '@conclave/policy';
import type { TenantE2eeSettings } from '@conclave/policy';
import { tenantPatchSchema, tenantResponseSchema } from '@conclave/protocol';
import type { AppContext } from '../../context.ts';
import { notFound } from '../../errors.ts';
import { route } from '../../http/route.ts';
import type { Route } from '../../http/route.ts';
import { tenantView } from '../../http/views.ts';
import { actorOf } from '../../audit/actor.ts';
import { changesBetween } from '../changes.ts';

export function tenantRoutes(ctx: AppContext): Route[] {
  const { store, audit } = ctx;
  return [
    route({
      method: 'GET',
      url: '/api/admin/tenant',
      summary: "My organization's settings",
      access: 'admin',
      response: tenantResponseSchema,
      async handler({ session }) {
        const tenant = await store.tenants.get(session.tenantId);
        if (tenant === undefined) throw notFound('organization');
        return { tenant: tenantView(tenant) };
      },
    }),
    route({
      method: 'PATCH',
      url: '/api/admin/tenant',
      summary:
        'Change the name or E2EE settings; vdi, cvi and phone stay blocked whatever the list says',
      access: 'admin',
      body: tenantPatchSchema,
      response: tenantResponseSchema,
      async handler({ session, body }) {
        const { tenantId } = session;
        const tenant = await store.transaction(async (tx) => {
          const before = await tx.tenants.get(tenantId);
          if (before === undefined) throw notFound('organization');
          const clients = body.e2ee?.clients;
          const e2ee: TenantE2eeSettings = {
            maxParticipants: body.e2ee?.maxParticipants ?? before.e2ee.maxParticipants,
            ...((body.e2ee?.postQuantum ?? before.e2ee.postQuantum) === true
              ? { postQuantum: true }
              : {}),
            clients: {
              // The engine never admits these platforms to E2EE meetings (§5); store what applies.
              blocked:
                clients?.blocked === undefined
                  ? before.e2ee.clients.blocked
                  : [...new Set([...alwaysBlockedPlatforms, ...clients.blocked])],
              minVersion: clients?.minVersion ?? before.e2ee.clients.minVersion,
            },
          };
          const after = { ...before, name: body.name ?? before.name, e2ee };
          await tx.tenants.update(tenantId, after);
          await audit.record(
            {
              tenantId,
              actor: actorOf(session.user),
              kind: 'tenant.changed',
              subject: `tenant:${tenantId}`,
              details: { changes: changesBetween(tenantView(before), tenantView(after)) },
            },
            tx,
          );
          return after;
        });
        return { tenant: tenantView(tenant) };
      },
    }),
  ];
}
