// Users and their licence (spec §1). Passwords are write-only: a generated one is returned once.
// The last admin of an organization cannot be demoted or deleted, so it never locks itself out.
import {
  okSchema,
  userCreateSchema,
  userListSchema,
  userPatchSchema,
  userResponseSchema,
} from '@conclave/protocol';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { conflict, notFound } from '../../errors.ts';
import { route } from '../../http/route.ts';
import type { Route } from '../../http/route.ts';
import { userView } from '../../http/views.ts';
import { requireStrongPassword } from '../../identity/password-rule.ts';
import { hashPassword } from '../../identity/passwords.ts';
import { liftSignInLimit } from '../../identity/sign-in.ts';
import { createUser } from '../../identity/provisioning.ts';
import { realtimeOf } from '../../realtime/control.ts';
import type { UserChanges } from '../../storage/records.ts';
import { actorOf } from '../../audit/actor.ts';

const idParams = z.object({ id: z.string().min(1).max(200) });
const base = '/api/admin/users';

/** The audit-visible part of a user: no password, no hash. */
const auditable = (user: {
  email: string;
  displayName: string;
  role: string;
  premium: boolean;
  mustChangePassword: boolean;
}) => ({
  email: user.email,
  displayName: user.displayName,
  role: user.role,
  premium: user.premium,
  mustChangePassword: user.mustChangePassword,
});

export function userRoutes(ctx: AppContext): Route[] {
  const { store, audit } = ctx;
  const subject = (id: string) => `user:${id}`;
  return [
    route({
      method: 'GET',
      url: base,
      summary: 'List users',
      access: 'admin',
      response: userListSchema,
      async handler({ session }) {
        return { users: (await store.users.list(session.tenantId)).map(userView) };
      },
    }),
    route({
      method: 'POST',
      url: base,
      summary: 'Create a user; without a password, a generated one is returned once',
      access: 'admin',
      status: 201,
      body: userCreateSchema,
      response: userResponseSchema,
      errors: [409],
      async handler({ session, body }) {
        const { tenantId } = session;
        const { mustChangePassword, ...input } = body;
        // A generated password is one-time whatever was asked: it was shown to the admin.
        const oneTime = mustChangePassword || input.password === undefined;
        const { user, generatedPassword } = await createUser(
          store,
          tenantId,
          { ...input, mustChangePassword: oneTime },
          {
            now: ctx.now(),
            cost: ctx.passwordCost,
            alongside: (tx, created) =>
              audit.record(
                {
                  tenantId,
                  actor: actorOf(session.user),
                  kind: 'user.created',
                  subject: subject(created.id),
                  details: auditable(created),
                },
                tx,
              ),
          },
        );
        return {
          user: userView(user),
          ...(generatedPassword === undefined ? {} : { password: generatedPassword }),
        };
      },
    }),
    route({
      method: 'GET',
      url: `${base}/:id`,
      summary: 'Read a user',
      access: 'admin',
      params: idParams,
      response: userResponseSchema,
      async handler({ session, params }) {
        const user = await store.users.get(session.tenantId, params.id);
        if (user === undefined) throw notFound('user');
        return { user: userView(user) };
      },
    }),
    route({
      method: 'PATCH',
      url: `${base}/:id`,
      summary:
        'Change a user: email, name, role, premium licence, or password (one-time unless mustChangePassword is false)',
      access: 'admin',
      params: idParams,
      body: userPatchSchema,
      response: userResponseSchema,
      errors: [409],
      async handler({ session, params, body }) {
        const { tenantId } = session;
        const { password, mustChangePassword, ...fields } = body;
        if (password !== undefined) requireStrongPassword(password);
        // Hash outside the transaction: scrypt takes a while and must not hold a lock.
        const passwordHash =
          password === undefined ? undefined : await hashPassword(password, ctx.passwordCost);
        const changes: UserChanges = {
          ...fields,
          ...(passwordHash === undefined ? {} : { passwordHash }),
          // A password an admin sets is one-time unless they say otherwise.
          ...(password === undefined
            ? mustChangePassword === undefined
              ? {}
              : { mustChangePassword }
            : { mustChangePassword: mustChangePassword ?? true }),
        };
        const user = await store.transaction(async (tx) => {
          const before = await tx.users.get(tenantId, params.id);
          if (before === undefined) throw notFound('user');
          if (
            before.role === 'admin' &&
            body.role === 'user' &&
            (await tx.users.countAdmins(tenantId)) <= 1
          ) {
            throw conflict(
              'This is the last admin of the organization; make someone else admin first.',
            );
          }
          if (body.email !== undefined) {
            const taken = await tx.users.idByEmail(tenantId, body.email);
            if (taken !== undefined && taken !== params.id)
              throw conflict('A user with this email address already exists.');
          }
          await tx.users.update(tenantId, params.id, changes);
          // A new password ends the user's sessions everywhere, and forgets their devices.
          if (passwordHash !== undefined) {
            await tx.sessions.deleteForUser(tenantId, params.id);
            await tx.knownDevices.deleteForUser(tenantId, params.id);
          }
          const after = await tx.users.get(tenantId, params.id);
          if (after === undefined) throw notFound('user');
          const changed: Record<string, unknown> = {};
          const [was, now] = [auditable(before), auditable(after)];
          for (const key of Object.keys(now) as (keyof typeof now)[]) {
            if (was[key] !== now[key]) changed[key] = { from: was[key], to: now[key] };
          }
          // A request that changes nothing is not an event: the log records changes only.
          if (Object.keys(changed).length === 0 && passwordHash === undefined) return after;
          await audit.record(
            {
              tenantId,
              actor: actorOf(session.user),
              kind: 'user.changed',
              subject: subject(params.id),
              details: {
                changes: changed,
                ...(passwordHash === undefined ? {} : { signInReset: true }),
                ...('premium' in changed ? { licenceChanged: true } : {}),
              },
            },
            tx,
          );
          return after;
        });
        // Signed out everywhere means out of every meeting too, at once.
        if (passwordHash !== undefined) realtimeOf(ctx).endUserSessions(tenantId, params.id);
        return { user: userView(user) };
      },
    }),
    route({
      method: 'POST',
      url: `${base}/:id/unlock`,
      summary:
        'Lift the sign-in limit that failed attempts put on a user, so they can sign in at once',
      access: 'admin',
      params: idParams,
      response: okSchema,
      async handler({ session, params }) {
        const { tenantId } = session;
        const user = await store.users.get(tenantId, params.id);
        if (user === undefined) throw notFound('user');
        await liftSignInLimit(ctx, user);
        await audit.record({
          tenantId,
          actor: actorOf(session.user),
          kind: 'user.sign-in-unlocked',
          subject: subject(params.id),
        });
        return { ok: true as const };
      },
    }),
    route({
      method: 'DELETE',
      url: `${base}/:id`,
      summary: 'Delete a user, with their sessions, devices, memberships, assignments and meetings',
      access: 'admin',
      params: idParams,
      response: okSchema,
      errors: [409],
      async handler({ session, params }) {
        const { tenantId } = session;
        await store.transaction(async (tx) => {
          const user = await tx.users.get(tenantId, params.id);
          if (user === undefined) throw notFound('user');
          if (user.role === 'admin' && (await tx.users.countAdmins(tenantId)) <= 1) {
            throw conflict(
              'This is the last admin of the organization; make someone else admin first.',
            );
          }
          await tx.users.delete(tenantId, params.id);
          await audit.record(
            {
              tenantId,
              actor: actorOf(session.user),
              kind: 'user.deleted',
              subject: subject(params.id),
              details: auditable(user),
            },
            tx,
          );
        });
        realtimeOf(ctx).endUserSessions(tenantId, params.id);
        return { ok: true as const };
      },
    }),
  ];
}
