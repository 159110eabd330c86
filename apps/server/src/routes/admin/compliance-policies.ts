// Compliance recording policies (spec §1): a user whose effective one is enabled is "under
// compliance recording", which rules out E2EE for their meetings, joins and calls.
import {
  compliancePolicyCreateSchema,
  compliancePolicyListSchema,
  compliancePolicyPatchSchema,
  compliancePolicyResponseSchema,
  okSchema,
  policyNameParamsSchema,
} from '@conclave/protocol';
import type { AppContext } from '../../context.ts';
import { conflict, notFound } from '../../errors.ts';
import { route } from '../../http/route.ts';
import type { Route } from '../../http/route.ts';
import { actorOf } from '../../audit/actor.ts';
import { changesBetween } from '../changes.ts';

export function compliancePolicyRoutes(ctx: AppContext): Route[] {
  const { store, audit } = ctx;
  const base = '/api/admin/compliance-recording-policies';
  const subject = (name: string) => `compliance-recording-policy:${name}`;

  return [
    route({
      method: 'GET',
      url: base,
      summary: 'List compliance recording policies',
      access: 'admin',
      response: compliancePolicyListSchema,
      async handler({ session }) {
        return { policies: await store.compliancePolicies.list(session.tenantId) };
      },
    }),
    route({
      method: 'POST',
      url: base,
      summary: 'Create a compliance recording policy',
      access: 'admin',
      status: 201,
      body: compliancePolicyCreateSchema,
      response: compliancePolicyResponseSchema,
      errors: [409],
      async handler({ session, body }) {
        const { tenantId } = session;
        await store.transaction(async (tx) => {
          if (await tx.compliancePolicies.get(tenantId, body.name)) {
            throw conflict(`A compliance recording policy named '${body.name}' already exists.`);
          }
          await tx.compliancePolicies.create(tenantId, body, ctx.now());
          await audit.record(
            {
              tenantId,
              actor: actorOf(session.user),
              kind: 'compliance-recording-policy.created',
              subject: subject(body.name),
              details: { policy: body },
            },
            tx,
          );
        });
        return { policy: body };
      },
    }),
    route({
      method: 'GET',
      url: `${base}/:name`,
      summary: 'Read a compliance recording policy',
      access: 'admin',
      params: policyNameParamsSchema,
      response: compliancePolicyResponseSchema,
      async handler({ session, params }) {
        const policy = await store.compliancePolicies.get(session.tenantId, params.name);
        if (policy === undefined) throw notFound('compliance recording policy');
        return { policy };
      },
    }),
    route({
      method: 'PATCH',
      url: `${base}/:name`,
      summary: 'Enable or disable a compliance recording policy',
      access: 'admin',
      params: policyNameParamsSchema,
      body: compliancePolicyPatchSchema,
      response: compliancePolicyResponseSchema,
      async handler({ session, params, body }) {
        const { tenantId } = session;
        const policy = await store.transaction(async (tx) => {
          const before = await tx.compliancePolicies.get(tenantId, params.name);
          if (before === undefined) throw notFound('compliance recording policy');
          const after = {
            ...before,
            ...(body.enabled === undefined ? {} : { enabled: body.enabled }),
          };
          await tx.compliancePolicies.replace(tenantId, after);
          await audit.record(
            {
              tenantId,
              actor: actorOf(session.user),
              kind: 'compliance-recording-policy.changed',
              subject: subject(params.name),
              details: { changes: changesBetween(before, after) },
            },
            tx,
          );
          return after;
        });
        return { policy };
      },
    }),
    route({
      method: 'DELETE',
      url: `${base}/:name`,
      summary: 'Delete a compliance recording policy that is not assigned',
      access: 'admin',
      params: policyNameParamsSchema,
      response: okSchema,
      errors: [409],
      async handler({ session, params }) {
        const { tenantId } = session;
        await store.transaction(async (tx) => {
          const policy = await tx.compliancePolicies.get(tenantId, params.name);
          if (policy === undefined) throw notFound('compliance recording policy');
          const assigned = await tx.complianceAssignments.countForPolicy(tenantId, policy.name);
          if (assigned > 0) {
            throw conflict(
              `The policy '${policy.name}' is assigned ${assigned} time(s); remove its assignments first.`,
            );
          }
          await tx.compliancePolicies.delete(tenantId, policy.name);
          await audit.record(
            {
              tenantId,
              actor: actorOf(session.user),
              kind: 'compliance-recording-policy.deleted',
              subject: subject(policy.name),
              details: { policy },
            },
            tx,
          );
        });
        return { ok: true as const };
      },
    }),
  ];
}
