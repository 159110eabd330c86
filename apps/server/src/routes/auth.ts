// Sign-in and sign-out. What an attempt may try and what a failure costs is decided in
// identity/sign-in.ts; here the session is made and the cookies set.
import { okSchema, signInRequestSchema, signInResponseSchema } from '@conclave/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import type { UserRecord } from '../storage/records.ts';
import {
  clearSessionCookie,
  presentedDeviceToken,
  setDeviceCookie,
  setSessionCookie,
} from '../http/auth.ts';
import { route } from '../http/route.ts';
import type { Route } from '../http/route.ts';
import { iso, userView } from '../http/views.ts';
import { requireEnabled, signIn } from '../identity/sign-in.ts';
import { realtimeOf } from '../realtime/control.ts';
import { hashToken, newSessionToken } from '../identity/tokens.ts';

/** A new session for `user`: stored by its hash, its cookie set; the token for bearer use. */
export async function openSession(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  user: UserRecord,
): Promise<{ token: string; expiresAt: number }> {
  requireEnabled(user);
  const token = newSessionToken();
  const now = ctx.now();
  const expiresAt = now + ctx.sessionTtlMs;
  await ctx.store.sessions.create(hashToken(token), {
    tenantId: user.tenantId,
    userId: user.id,
    createdAt: now,
    expiresAt,
  });
  setSessionCookie(request, reply, token, expiresAt);
  return { token, expiresAt };
}

export function authRoutes(ctx: AppContext): Route[] {
  return [
    route({
      method: 'POST',
      url: '/api/auth/sign-in',
      summary:
        'Sign in with email and password; returns a bearer token, sets the session cookie, and remembers this device (deviceToken, cookie) so it can sign in while the account is under attack',
      access: 'public',
      body: signInRequestSchema,
      response: signInResponseSchema,
      errors: [429],
      async handler({ body, request, reply }) {
        const { user, deviceToken } = await signIn(ctx, {
          email: body.email,
          password: body.password,
          deviceToken: body.deviceToken ?? presentedDeviceToken(request),
          organization: body.organization,
          address: request.ip,
        });

        const { token, expiresAt } = await openSession(ctx, request, reply, user);
        setDeviceCookie(request, reply, deviceToken);
        return { token, expiresAt: iso(expiresAt), user: userView(user), deviceToken };
      },
    }),
    route({
      method: 'POST',
      url: '/api/auth/sign-out',
      summary: 'End the current session (bearer token or cookie)',
      access: 'public',
      response: okSchema,
      async handler({ session, request, reply }) {
        if (session !== undefined) {
          await ctx.store.sessions.delete(session.tokenHash);
          // Its meeting sockets end with it: signed out is out of the meeting too.
          realtimeOf(ctx).endSession(session.tokenHash);
        }
        clearSessionCookie(request, reply);
        return { ok: true as const };
      },
    }),
  ];
}
