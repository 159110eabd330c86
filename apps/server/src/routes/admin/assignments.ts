// Policy assignments (spec §2), one route group per policy type, which `policy-routes.ts` puts
// after that type's policy routes: to a user directly, to a group at a rank (unique per policy
// type), or org-wide. A new assignment for the same user, group or the org replaces the previous
// one, and the answer names the one replaced.
import { randomUUID } from 'node:crypto';
import {
  assignmentCreateSchema,
  assignmentListSchema,
  assignmentResponseSchema,
  okSchema,
} from '@conclave/protocol';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { conflict, notFound } from '../../errors.ts';
import { route } from '../../http/route.ts';
import type { Route } from '../../http/route.ts';
import { assignmentView } from '../../http/views.ts';
import type { AssignmentRecord } from '../../storage/records.ts';
import type { AssignmentsRepo, Store } from '../../storage/store.ts';
import { changeRecorder } from './admin-audit.ts';

export interface AssignmentKind {
  url: string;
  /** Audit kind prefix and subject prefix. */
  auditName: string;
  what: string;
  repo(store: Store): AssignmentsRepo;
  policyExists(store: Store, tenantId: string, name: string): Promise<boolean>;
}

const idParams = z.object({ id: z.string().min(1).max(200) });

function describeTarget(assignment: AssignmentRecord): Record<string, unknown> {
  if ('user' in assignment) return { user: assignment.user };
  if ('group' in assignment) return { group: assignment.group, rank: assignment.rank };
  return { global: true };
}

export function assignmentRoutes(ctx: AppContext, kind: AssignmentKind): Route[] {
  const { store, audit } = ctx;
  const record = changeRecorder(audit, kind.auditName);
  return [
    route({
      method: 'GET',
      url: kind.url,
      summary: `List ${kind.what} assignments`,
      access: 'admin',
      response: assignmentListSchema,
      async handler({ session }) {
        const assignments = await kind.repo(store).list(session.tenantId);
        return { assignments: assignments.map(assignmentView) };
      },
    }),
    route({
      method: 'POST',
      url: kind.url,
      summary: `Assign a ${kind.what} to a user, a group (with a rank) or the whole organization`,
      access: 'admin',
      status: 201,
      body: assignmentCreateSchema,
      response: assignmentResponseSchema,
      errors: [409],
      async handler({ session, body }) {
        const { tenantId } = session;
        const assignment: AssignmentRecord = { id: randomUUID(), createdAt: ctx.now(), ...body };
        const replaced = await store.transaction(async (tx) => {
          if (!(await kind.policyExists(tx, tenantId, body.policy)))
            throw notFound(kind.what, '$.policy');
          if ('user' in body && (await tx.users.get(tenantId, body.user)) === undefined) {
            throw notFound('user', '$.user');
          }
          if ('group' in body) {
            if ((await tx.groups.get(tenantId, body.group)) === undefined)
              throw notFound('group', '$.group');
            const holder = await kind.repo(tx).holderOfRank(tenantId, body.rank, body.group);
            if (holder !== undefined && 'group' in holder) {
              throw conflict(
                `Rank ${body.rank} is already held by the assignment to group '${holder.group}'.`,
              );
            }
          }
          const previous = await kind.repo(tx).replace(tenantId, assignment);
          await record(session, tx, 'created', assignment.id, {
            policy: body.policy,
            ...describeTarget(assignment),
            ...(previous ? { replaced: { id: previous.id, policy: previous.policy } } : {}),
          });
          return previous;
        });
        return {
          assignment: assignmentView(assignment),
          ...(replaced ? { replaced: replaced.id } : {}),
        };
      },
    }),
    route({
      method: 'DELETE',
      url: `${kind.url}/:id`,
      summary: `Remove a ${kind.what} assignment (the user falls back to group, then org-wide)`,
      access: 'admin',
      params: idParams,
      response: okSchema,
      async handler({ session, params }) {
        const { tenantId } = session;
        await store.transaction(async (tx) => {
          const assignment = await kind.repo(tx).get(tenantId, params.id);
          if (assignment === undefined) throw notFound('assignment');
          await kind.repo(tx).delete(tenantId, params.id);
          await record(session, tx, 'deleted', assignment.id, {
            policy: assignment.policy,
            ...describeTarget(assignment),
          });
        });
        return { ok: true as const };
      },
    }),
  ];
}
