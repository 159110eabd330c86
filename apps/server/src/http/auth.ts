// Who is calling: a bearer token (CLI, SDK) or the session cookie (browsers). Either way the token
// is looked up by its SHA-256, and the session row names the tenant every later query is scoped to.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { ServerError } from '../errors.ts';
import { knownDeviceTtlMs } from '../identity/sign-in.ts';
import { hashToken } from '../identity/tokens.ts';
import type { Access, Session } from './route.ts';

export const SESSION_COOKIE = 'conclave_session';
/** A device that signed in before (identity/sign-in.ts); sent to /api/auth only. */
export const DEVICE_COOKIE = 'conclave_device';

const tokenPattern = /^[A-Za-z0-9_-]{16,128}$/;

function presentedToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer ([A-Za-z0-9_-]{16,128})$/.exec(header);
    return match?.[1];
  }
  const cookie = request.cookies[SESSION_COOKIE];
  return cookie !== undefined && tokenPattern.test(cookie) ? cookie : undefined;
}

/** The browser's known-device cookie, if it has a well-formed one. */
export function presentedDeviceToken(request: FastifyRequest): string | undefined {
  const cookie = request.cookies[DEVICE_COOKIE];
  return cookie !== undefined && tokenPattern.test(cookie) ? cookie : undefined;
}

export function setDeviceCookie(request: FastifyRequest, reply: FastifyReply, token: string): void {
  reply.setCookie(DEVICE_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: request.protocol === 'https',
    path: '/api/auth',
    maxAge: knownDeviceTtlMs / 1000,
  });
}

export async function authenticate(
  ctx: AppContext,
  request: FastifyRequest,
): Promise<Session | undefined> {
  const token = presentedToken(request);
  if (token === undefined) return undefined;
  const tokenHash = hashToken(token);
  const session = await ctx.store.sessions.find(tokenHash, ctx.now());
  if (session === undefined) return undefined;
  const user = await ctx.store.users.get(session.tenantId, session.userId);
  // Disabling ends the sessions too; this also covers one opened in the same instant.
  if (user === undefined || user.disabledAt !== undefined) return undefined;
  return { tenantId: session.tenantId, user, tokenHash };
}

export function requireAccess(
  route: { access: Access; beforePasswordChange: boolean },
  session: Session | undefined,
): void {
  // Checked on the server for every signed-in route, so the change is not a step a client may
  // skip. Public routes (signing in or out again) ask nothing of the session.
  if (
    route.access !== 'public' &&
    session?.user.mustChangePassword === true &&
    !route.beforePasswordChange
  ) {
    throw new ServerError(
      'PASSWORD_CHANGE_REQUIRED',
      'Your password was set by an admin for one use: choose a new password of your own before doing anything else.',
    );
  }
  const { access } = route;
  if (access === 'public') return;
  if (session === undefined) {
    throw new ServerError('UNAUTHENTICATED', 'Sign in first (POST /api/auth/sign-in).');
  }
  if (access === 'admin' && session.user.role !== 'admin') {
    throw new ServerError('FORBIDDEN', 'Only an admin of this organization can do this.');
  }
}

export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
  expiresAt: number,
): void {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: request.protocol === 'https',
    path: '/',
    expires: new Date(expiresAt),
  });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, {
    httpOnly: true,
    sameSite: 'strict',
    secure: request.protocol === 'https',
    path: '/',
  });
}
