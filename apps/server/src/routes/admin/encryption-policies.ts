// Encryption policies (spec §1): the built-in `Global` always exists and cannot be deleted.
import {
  encryptionPolicyCreateSchema,
  encryptionPolicyListSchema,
  encryptionPolicyPatchSchema,
  encryptionPolicyResponseSchema,
  okSchema,
  policyNameParamsSchema,
} from '@conclave/protocol';
import { builtInGlobalPolicy } from '@conclave/policy';
import type { AppContext } from '../../context.ts';
import { conflict, notFound } from '../../errors.ts';
import { route } from '../../http/route.ts';
import type { Route } from '../../http/route.ts';
import { actorOf } from '../../audit/actor.ts';
import { changesBetween } from '../changes.ts';

const globalPolicyName = builtInGlobalPolicy().name;

export function encryptionPolicyRoutes(ctx: AppContext): Route[] {
  const { store, audit } = ctx;
  const base = '/api/admin/encryption-policies';
  const subject = (name: string) => `encryption-policy:${name}`;

  return [
    route({
      method: 'GET',
      url: base,
      summary: 'List encryption policies',
      access: 'admin',
      response: encryptionPolicyListSchema,
      async handler({ session }) {
        return { policies: await store.encryptionPolicies.list(session.tenantId) };
      },
    }),
    route({
      method: 'POST',
      url: base,
      summary: 'Create an encryption policy',
      access: 'admin',
      status: 201,
      body: encryptionPolicyCreateSchema,
      response: encryptionPolicyResponseSchema,
      errors: [409],
      async handler({ session, body }) {
        const { tenantId } = session;
        await store.transaction(async (tx) => {
          if (await tx.encryptionPolicies.get(tenantId, body.name)) {
            throw conflict(`An encryption policy named '${body.name}' already exists.`);
          }
          await tx.encryptionPolicies.create(tenantId, body, ctx.now());
          await audit.record(
            {
              tenantId,
              actor: actorOf(session.user),
              kind: 'encryption-policy.created',
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
      summary: 'Read an encryption policy',
      access: 'admin',
      params: policyNameParamsSchema,
      response: encryptionPolicyResponseSchema,
      async handler({ session, params }) {
        const policy = await store.encryptionPolicies.get(session.tenantId, params.name);
        if (policy === undefined) throw notFound('encryption policy');
        return { policy };
      },
    }),
    route({
      method: 'PATCH',
      url: `${base}/:name`,
      summary:
        'Change an encryption policy (takes effect for meetings scheduled or started afterwards)',
      access: 'admin',
      params: policyNameParamsSchema,
      body: encryptionPolicyPatchSchema,
      response: encryptionPolicyResponseSchema,
      async handler({ session, params, body }) {
        const { tenantId } = session;
        const policy = await store.transaction(async (tx) => {
          const before = await tx.encryptionPolicies.get(tenantId, params.name);
          if (before === undefined) throw notFound('encryption policy');
          const after = {
            ...before,
            ...(body.description === undefined ? {} : { description: body.description }),
            ...(body.meetingEndToEndEncryption === undefined
              ? {}
              : { meetingEndToEndEncryption: body.meetingEndToEndEncryption }),
            ...(body.callingEndToEndEncryption === undefined
              ? {}
              : { callingEndToEndEncryption: body.callingEndToEndEncryption }),
          };
          await tx.encryptionPolicies.replace(tenantId, after);
          await audit.record(
            {
              tenantId,
              actor: actorOf(session.user),
              kind: 'encryption-policy.changed',
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
      summary: 'Delete an encryption policy that is not assigned (Global cannot be deleted)',
      access: 'admin',
      params: policyNameParamsSchema,
      response: okSchema,
      errors: [409],
      async handler({ session, params }) {
        const { tenantId } = session;
        await store.transaction(async (tx) => {
          const policy = await tx.encryptionPolicies.get(tenantId, params.name);
          if (policy === undefined) throw notFound('encryption policy');
          if (policy.name === globalPolicyName) {
            throw conflict(
              'The built-in Global policy cannot be deleted; change its settings instead.',
            );
          }
          const assigned = await tx.encryptionAssignments.countForPolicy(tenantId, policy.name);
          if (assigned > 0) {
            throw conflict(
              `The policy '${policy.name}' is assigned ${assigned} time(s); remove its assignments first.`,
            );
          }
          await tx.encryptionPolicies.delete(tenantId, policy.name);
          await audit.record(
            {
              tenantId,
              actor: actorOf(session.user),
              kind: 'encryption-policy.deleted',
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
