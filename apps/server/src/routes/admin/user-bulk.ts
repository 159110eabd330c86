// One action on many users at once, from the Users page's selection (or `conclave user bulk`):
// grant an encryption policy to each directly, or give or take the premium licence. All or
// nothing — every id must be a user of this organization, else nothing changes and the answer
// names the ids that are not — and one audit entry per user changed, the same entry the one-user
// route writes, so the log reads the same whichever way the change was made.
import { randomUUID } from 'node:crypto';
import { userBulkResponseSchema, userBulkSchema } from '@conclave/protocol';
import type { UserBulkAction } from '@conclave/protocol';
import type { AppContext } from '../../context.ts';
import { ServerError } from '../../errors.ts';
import { route } from '../../http/route.ts';
import type { Route, Session } from '../../http/route.ts';
import { userView } from '../../http/views.ts';
import type { AssignmentRecord, UserRecord } from '../../storage/records.ts';
import type { Store } from '../../storage/store.ts';
import { actorOf } from '../../audit/actor.ts';

/** Applies `action` to one user inside the bulk transaction and audits it, if it changes them. */
async function applyTo(
  ctx: AppContext,
  tx: Store,
  session: Session,
  user: UserRecord,
  action: UserBulkAction,
): Promise<void> {
  const { tenantId } = session;
  const actor = actorOf(session.user);
  switch (action.kind) {
    case 'grant-encryption-policy': {
      const assignment: AssignmentRecord = {
        id: randomUUID(),
        createdAt: ctx.now(),
        policy: action.policy,
        user: user.id,
      };
      const previous = await tx.encryptionAssignments.replace(tenantId, assignment);
      await ctx.audit.record(
        {
          tenantId,
          actor,
          kind: 'encryption-policy-assignment.created',
          subject: `encryption-policy-assignment:${assignment.id}`,
          details: {
            policy: action.policy,
            user: user.id,
            via: 'bulk',
            ...(previous ? { replaced: { id: previous.id, policy: previous.policy } } : {}),
          },
        },
        tx,
      );
      return;
    }
    case 'set-premium': {
      if (user.premium === action.premium) return;
      await tx.users.update(tenantId, user.id, { premium: action.premium });
      await ctx.audit.record(
        {
          tenantId,
          actor,
          kind: 'user.changed',
          subject: `user:${user.id}`,
          details: {
            changes: { premium: { from: user.premium, to: action.premium } },
            licenceChanged: true,
            via: 'bulk',
          },
        },
        tx,
      );
      return;
    }
  }
}

export function userBulkRoutes(ctx: AppContext): Route[] {
  const { store } = ctx;
  return [
    route({
      method: 'POST',
      url: '/api/admin/users/bulk',
      summary:
        'Apply one action to many users, all or nothing: grant an encryption policy directly, or set the premium licence',
      access: 'admin',
      body: userBulkSchema,
      response: userBulkResponseSchema,
      async handler({ session, body }) {
        const { tenantId } = session;
        const ids = [...new Set(body.userIds)];
        const users = await store.transaction(async (tx) => {
          const found = new Map(
            (await tx.users.list(tenantId)).filter((u) => ids.includes(u.id)).map((u) => [u.id, u]),
          );
          const unknown = ids.filter((id) => !found.has(id));
          if (unknown.length > 0) {
            // Ids of other organizations are as unknown as made-up ones: nothing is said of them.
            throw new ServerError(
              'NOT_FOUND',
              `${unknown.length === 1 ? 'One of the selected users does' : `${unknown.length} of the selected users do`} not exist in this organization (deleted since the list was read?); nothing was changed.`,
              {
                fields: unknown.map((id) => ({
                  path: `$.userIds[${body.userIds.indexOf(id)}]`,
                  message: 'unknown user',
                })),
              },
            );
          }
          const { action } = body;
          if (
            action.kind === 'grant-encryption-policy' &&
            (await tx.encryptionPolicies.get(tenantId, action.policy)) === undefined
          ) {
            const message = `No encryption policy is named '${action.policy}'.`;
            throw new ServerError('NOT_FOUND', message, {
              fields: [{ path: '$.action.policy', message }],
            });
          }
          for (const id of ids) {
            const user = found.get(id);
            if (user !== undefined) await applyTo(ctx, tx, session, user, action);
          }
          const after = await tx.users.list(tenantId);
          return after.filter((u) => ids.includes(u.id));
        });
        return { users: users.map(userView) };
      },
    }),
  ];
}
