// Sign-in and sign-out. Sign-in is rate limited per client address (every attempt) and per email
// (failed attempts), and costs the same scrypt work whether or not the email exists.
import { okSchema, signInRequestSchema, signInResponseSchema } from '@conclave/protocol';
import type { AppContext } from '../context.ts';
import { ServerError } from '../errors.ts';
import { clearSessionCookie, setSessionCookie } from '../http/auth.ts';
import { createRateLimiter } from '../http/rate-limit.ts';
import type { RateLimiter } from '../http/rate-limit.ts';
import { route } from '../http/route.ts';
import type { Route } from '../http/route.ts';
import { iso, userView } from '../http/views.ts';
import { verifyPassword } from '../identity/passwords.ts';
import { realtimeOf } from '../realtime/control.ts';
import { hashToken, newSessionToken } from '../identity/tokens.ts';
import { normalizeEmail } from '../storage/repos/users.ts';

/**
 * Checked when the email is unknown, so that answer takes as long as a wrong password: the hash
 * (at the default cost) of a random password nobody knows.
 */
const decoyHash =
  'scrypt$32768$8$3$Xll44npO2SoZaOKiZ4tieQ==$89tZ//l68Hz+8A6MKp/igizyukkFMEWWJZcDbC+AQzI=';

function refuseIfLimited(limiter: RateLimiter, key: string): void {
  const state = limiter.check(key);
  if (state.limited) {
    throw new ServerError('RATE_LIMITED', 'Too many sign-in attempts; try again later.', {
      retryAfterSeconds: Math.max(1, Math.ceil(state.retryAfterMs / 1000)),
    });
  }
}

export function authRoutes(ctx: AppContext): Route[] {
  const perIp = createRateLimiter(ctx.signInLimits.perIp, ctx.now);
  const perEmail = createRateLimiter(ctx.signInLimits.perEmail, ctx.now);

  return [
    route({
      method: 'POST',
      url: '/api/auth/sign-in',
      summary:
        'Sign in with email and password; returns a bearer token and sets the session cookie',
      access: 'public',
      body: signInRequestSchema,
      response: signInResponseSchema,
      errors: [429],
      async handler({ body, request, reply }) {
        const email = normalizeEmail(body.email);
        refuseIfLimited(perIp, request.ip);
        refuseIfLimited(perEmail, email);
        perIp.hit(request.ip);

        const credentials = await ctx.store.users.findCredentials(email);
        const valid = await verifyPassword(body.password, credentials?.passwordHash ?? decoyHash);
        const user =
          valid && credentials
            ? await ctx.store.users.get(credentials.tenantId, credentials.id)
            : undefined;
        if (user === undefined) {
          perEmail.hit(email);
          throw new ServerError('INVALID_CREDENTIALS', 'Wrong email or password.');
        }

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
        return { token, expiresAt: iso(expiresAt), user: userView(user) };
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
