// A user changes their own password (Settings, `conclave password change`, and the step a one-time
// password leads to at first sign-in). The current password proves it is them, even on a session
// left open; the new one meets the password rule and is not the old one. Other sessions of the
// user end — a password changed because it leaked must not leave the thief signed in — and this
// one is kept. Wrong current passwords count against the account's sign-in limit. The audit entry
// says that it changed, never what to.
import { meResponseSchema, passwordChangeSchema } from '@conclave/protocol';
import type { AppContext } from '../context.ts';
import { ServerError, notFound } from '../errors.ts';
import { route } from '../http/route.ts';
import type { Route } from '../http/route.ts';
import { userView } from '../http/views.ts';
import { requireStrongPassword } from '../identity/password-rule.ts';
import { hashPassword } from '../identity/passwords.ts';
import { currentPasswordMatches } from '../identity/sign-in.ts';
import { realtimeOf } from '../realtime/control.ts';
import { actorOf } from '../audit/actor.ts';

export function myPasswordRoutes(ctx: AppContext): Route[] {
  const { store } = ctx;
  return [
    route({
      method: 'POST',
      url: '/api/me/password',
      summary:
        'Change my password (the current one, and a new one that meets the password rule); my other sessions end, this one stays',
      access: 'user',
      beforePasswordChange: true,
      body: passwordChangeSchema,
      response: meResponseSchema,
      errors: [429],
      async handler({ session, body }) {
        const { tenantId, user } = session;
        const stored = await store.users.passwordHash(tenantId, user.id);
        if (stored === undefined) throw notFound('user');
        if (!(await currentPasswordMatches(ctx, user, body.currentPassword, stored))) {
          const message = 'This is not your current password.';
          throw new ServerError('INVALID_INPUT', message, {
            fields: [{ path: '$.currentPassword', message }],
          });
        }
        if (body.newPassword.normalize('NFC') === body.currentPassword.normalize('NFC')) {
          const message = 'Choose a new password that is not the one you have now.';
          throw new ServerError('INVALID_INPUT', message, {
            fields: [{ path: '$.newPassword', message }],
          });
        }
        try {
          requireStrongPassword(body.newPassword);
        } catch (error) {
          // The rule names `password`; here the field is `newPassword`.
          if (error instanceof ServerError && error.code === 'WEAK_PASSWORD') {
            throw new ServerError('WEAK_PASSWORD', error.message, {
              fields: [{ path: '$.newPassword', message: error.message }],
            });
          }
          throw error;
        }
        // Hashed outside the transaction: scrypt takes a while and must not hold a lock.
        const passwordHash = await hashPassword(body.newPassword, ctx.passwordCost);
        const { updated, ended } = await store.transaction(async (tx) => {
          await tx.users.update(tenantId, user.id, { passwordHash, mustChangePassword: false });
          const endedSessions = await tx.sessions.deleteOthersForUser(
            tenantId,
            user.id,
            session.tokenHash,
          );
          await ctx.audit.record(
            {
              tenantId,
              actor: actorOf(user),
              kind: 'user.password.changed',
              subject: `user:${user.id}`,
              details: {
                otherSessionsEnded: endedSessions.length,
                ...(user.mustChangePassword ? { oneTimePasswordReplaced: true } : {}),
              },
            },
            tx,
          );
          return { updated: await tx.users.get(tenantId, user.id), ended: endedSessions };
        });
        if (updated === undefined) throw notFound('user');
        // The sessions ended are out of their meetings too, on every node.
        for (const sessionHash of ended) realtimeOf(ctx).endSession(sessionHash);
        return { user: userView(updated) };
      },
    }),
  ];
}
