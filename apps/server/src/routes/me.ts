// The signed-in user, and the one setting users change themselves (E2EE for 1:1 calls, §6).
import { meResponseSchema, userSettingsPatchSchema } from '@conclave/protocol';
import type { AppContext } from '../context.ts';
import { route } from '../http/route.ts';
import type { Route } from '../http/route.ts';
import { userView } from '../http/views.ts';
import { notFound } from '../errors.ts';
import { actorOf } from '../audit/actor.ts';

export function meRoutes(ctx: AppContext): Route[] {
  return [
    route({
      method: 'GET',
      url: '/api/me',
      summary: 'The signed-in user',
      access: 'user',
      // The app reads it to learn that the password must be changed first.
      beforePasswordChange: true,
      response: meResponseSchema,
      handler: ({ session }) => Promise.resolve({ user: userView(session.user) }),
    }),
    route({
      method: 'PATCH',
      url: '/api/me/settings',
      summary: 'Change my settings (e2eeCalls: allow end-to-end encryption in my 1:1 calls)',
      access: 'user',
      body: userSettingsPatchSchema,
      response: meResponseSchema,
      async handler({ session, body }) {
        const { tenantId, user } = session;
        const updated = await ctx.store.transaction(async (tx) => {
          await tx.users.update(tenantId, user.id, { e2eeCalls: body.e2eeCalls });
          await ctx.audit.record(
            {
              tenantId,
              actor: actorOf(session.user),
              kind: 'user.settings.changed',
              subject: `user:${user.id}`,
              details: { e2eeCalls: { from: user.e2eeCalls, to: body.e2eeCalls } },
            },
            tx,
          );
          return tx.users.get(tenantId, user.id);
        });
        if (updated === undefined) throw notFound('user');
        return { user: userView(updated) };
      },
    }),
  ];
}
