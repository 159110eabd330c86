// Admin routes shared by the policy types of spec §1 and §2 (encryption, compliance recording):
// policies named uniquely per tenant, listed, read, created, changed by a partial update and
// deleted only while unassigned, each step audited; then the routes that assign them.
import { okSchema, policyNameParamsSchema } from '@conclave/protocol';
import type { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { withoutUndefined } from '../../defined.ts';
import { conflict, notFound } from '../../errors.ts';
import { route } from '../../http/route.ts';
import type { Route } from '../../http/route.ts';
import type { Store } from '../../storage/store.ts';
import { changeRecorder } from './admin-audit.ts';
import { changesBetween } from '../changes.ts';
import { assignmentRoutes } from './assignments.ts';
import type { AssignmentKind } from './assignments.ts';

export interface PolicyRepo<Policy> {
  list(tenantId: string): Promise<Policy[]>;
  get(tenantId: string, name: string): Promise<Policy | undefined>;
  create(tenantId: string, policy: Policy, now: number): Promise<void>;
  replace(tenantId: string, policy: Policy): Promise<boolean>;
  delete(tenantId: string, name: string): Promise<boolean>;
}

export interface PolicyKind<Policy extends { name: string }, Patch extends Partial<Policy>> {
  /** `encryption policy`: in messages and the docs. */
  what: string;
  /** The article `what` takes at the start of a sentence. */
  article: 'A' | 'An';
  plural: string;
  url: string;
  /** Audit kind prefix and subject prefix: `encryption-policy`. */
  auditName: string;
  summaries: { update: string; delete: string };
  schemas: {
    create: z.ZodType<Policy>;
    patch: z.ZodType<Patch>;
    one: z.ZodType<unknown, { policy: Policy }>;
    many: z.ZodType<unknown, { policies: Policy[] }>;
  };
  policies(store: Store): PolicyRepo<Policy>;
  /** Why this policy can never be deleted, or undefined when it may be (once unassigned). */
  undeletable?(policy: Policy): string | undefined;
  /** Where and how its assignments are kept: `url`, `auditName` and `repo` of `AssignmentKind`. */
  assignments: Omit<AssignmentKind, 'what' | 'policyExists'>;
}

/** The policy routes of one type, followed by its assignment routes. */
export function policyRoutes<Policy extends { name: string }, Patch extends Partial<Policy>>(
  ctx: AppContext,
  kind: PolicyKind<Policy, Patch>,
): Route[] {
  const { store, audit } = ctx;
  const a = kind.article.toLowerCase();
  const record = changeRecorder(audit, kind.auditName);
  const existing = async (from: Store, tenantId: string, name: string): Promise<Policy> => {
    const policy = await kind.policies(from).get(tenantId, name);
    if (policy === undefined) throw notFound(kind.what);
    return policy;
  };

  return [
    route({
      method: 'GET',
      url: kind.url,
      summary: `List ${kind.plural}`,
      access: 'admin',
      response: kind.schemas.many,
      async handler({ session }) {
        return { policies: await kind.policies(store).list(session.tenantId) };
      },
    }),
    route({
      method: 'POST',
      url: kind.url,
      summary: `Create ${a} ${kind.what}`,
      access: 'admin',
      status: 201,
      body: kind.schemas.create,
      response: kind.schemas.one,
      errors: [409],
      async handler({ session, body }) {
        const { tenantId } = session;
        await store.transaction(async (tx) => {
          if (await kind.policies(tx).get(tenantId, body.name)) {
            throw conflict(`${kind.article} ${kind.what} named '${body.name}' already exists.`);
          }
          await kind.policies(tx).create(tenantId, body, ctx.now());
          await record(session, tx, 'created', body.name, { policy: body });
        });
        return { policy: body };
      },
    }),
    route({
      method: 'GET',
      url: `${kind.url}/:name`,
      summary: `Read ${a} ${kind.what}`,
      access: 'admin',
      params: policyNameParamsSchema,
      response: kind.schemas.one,
      async handler({ session, params }) {
        return { policy: await existing(store, session.tenantId, params.name) };
      },
    }),
    route({
      method: 'PATCH',
      url: `${kind.url}/:name`,
      summary: kind.summaries.update,
      access: 'admin',
      params: policyNameParamsSchema,
      body: kind.schemas.patch,
      response: kind.schemas.one,
      async handler({ session, params, body }) {
        const { tenantId } = session;
        const policy = await store.transaction(async (tx) => {
          const before = await existing(tx, tenantId, params.name);
          // A partial update: what the patch leaves out keeps its value.
          const after = { ...before, ...withoutUndefined(body) };
          await kind.policies(tx).replace(tenantId, after);
          await record(session, tx, 'changed', params.name, {
            changes: changesBetween(before, after),
          });
          return after;
        });
        return { policy };
      },
    }),
    route({
      method: 'DELETE',
      url: `${kind.url}/:name`,
      summary: kind.summaries.delete,
      access: 'admin',
      params: policyNameParamsSchema,
      response: okSchema,
      errors: [409],
      async handler({ session, params }) {
        const { tenantId } = session;
        await store.transaction(async (tx) => {
          const policy = await existing(tx, tenantId, params.name);
          const refusal = kind.undeletable?.(policy);
          if (refusal !== undefined) throw conflict(refusal);
          const assigned = await kind.assignments.repo(tx).countForPolicy(tenantId, policy.name);
          if (assigned > 0) {
            throw conflict(
              `The policy '${policy.name}' is assigned ${assigned} time(s); remove its assignments first.`,
            );
          }
          await kind.policies(tx).delete(tenantId, policy.name);
          await record(session, tx, 'deleted', policy.name, { policy });
        });
        return { ok: true as const };
      },
    }),
    ...assignmentRoutes(ctx, {
      ...kind.assignments,
      what: kind.what,
      policyExists: async (tx, tenantId, name) =>
        (await kind.policies(tx).get(tenantId, name)) !== undefined,
    }),
  ];
}
