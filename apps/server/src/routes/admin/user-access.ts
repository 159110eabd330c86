// An admin disables a user — someone who left, a device that was stolen — and enables them again.
// Disabling ends every session of theirs and closes their meeting sockets on every node at once
// (the same way a password reset does); until enabled again they cannot sign in, by password or
// single sign-on (ACCOUNT_DISABLED). Their meetings, groups and assignments stay. An admin cannot
// disable themselves, nor the last enabled admin, so the organization never locks itself out.
import { userResponseSchema } from '@conclave/protocol';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { conflict, notFound } from '../../errors.ts';
import { route } from '../../http/route.ts';
import type { Route } from '../../http/route.ts';
import { userView } from '../../http/views.ts';
import { realtimeOf } from '../../realtime/control.ts';
import { actorOf } from '../../audit/actor.ts';

const idParams = z.object({ id: z.string().min(1).max(200) });
const base = '/api/admin/users';

export function userAccessRoutes(ctx: AppContext): Route[] {
  const { store, audit } = ctx;
  const setDisabled = (disable: boolean): Route =>
    route({
      method: 'POST',
      url: `${base}/:id/${disable ? 'disable' : 'enable'}`,
      summary: disable
        ? 'Disable a user: their sessions and meeting sockets end at once, and they cannot sign in until enabled'
        : 'Enable a disabled user again: they can sign in as before',
      access: 'admin',
      params: idParams,
      response: userResponseSchema,
      errors: [409],
      async handler({ session, params }) {
        const { tenantId } = session;
        if (disable && params.id === session.user.id) {
          throw conflict('You cannot disable your own account; ask another admin.');
        }
        const user = await store.transaction(async (tx) => {
          const before = await tx.users.get(tenantId, params.id);
          if (before === undefined) throw notFound('user');
          const wasDisabled = before.disabledAt !== undefined;
          // Already so: nothing changes, and the log records changes only.
          if (wasDisabled === disable) return before;
          if (disable && before.role === 'admin') {
            const enabledAdmins = (await tx.users.list(tenantId)).filter(
              (u) => u.role === 'admin' && u.disabledAt === undefined,
            );
            if (enabledAdmins.length <= 1)
              throw conflict(
                'This is the last enabled admin of the organization; make someone else admin first.',
              );
          }
          await tx.users.update(tenantId, params.id, { disabledAt: disable ? ctx.now() : null });
          if (disable) await tx.sessions.deleteForUser(tenantId, params.id);
          await audit.record(
            {
              tenantId,
              actor: actorOf(session.user),
              kind: disable ? 'user.disabled' : 'user.enabled',
              subject: `user:${params.id}`,
              details: { email: before.email, displayName: before.displayName },
            },
            tx,
          );
          return tx.users.get(tenantId, params.id);
        });
        if (user === undefined) throw notFound('user');
        // Signed out everywhere means out of every meeting too, on every node, at once.
        if (disable) realtimeOf(ctx).endUserSessions(tenantId, params.id);
        return { user: userView(user) };
      },
    });
  return [setDisabled(true), setDisabled(false)];
}
