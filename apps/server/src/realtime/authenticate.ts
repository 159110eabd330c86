// Who is on a signaling socket: the session behind the `hello` token (CLI, SDK) or the browser's
// session cookie, and a device registered to that user. The session names the tenant every later
// lookup is scoped to. The session is checked again on every `join` and periodically: a socket
// does not outlive the session it was opened with.
import { SESSION_COOKIE } from '../http/auth.ts';
import type { AppContext } from '../context.ts';
import { hashToken } from '../identity/tokens.ts';
import type { DeviceRecord, UserRecord } from '../storage/records.ts';
import { fromBase64 } from './bytes.ts';

export interface SocketIdentity {
  readonly tenantId: string;
  /** SHA-256 of the session token: how a signed-out session finds its sockets. */
  readonly sessionHash: string;
  readonly user: UserRecord;
  readonly device: DeviceRecord;
  /** The device's registered signature key: the key its MLS credential must carry. */
  readonly signaturePublicKey: Uint8Array;
}

export type AuthenticationResult =
  | { readonly kind: 'ok'; readonly identity: SocketIdentity }
  | { readonly kind: 'unauthenticated' }
  | { readonly kind: 'unknown_device' };

const tokenShape = /^[A-Za-z0-9_-]{16,128}$/;

/** The session cookie of the upgrade request, if it has the shape of one. */
export function cookieToken(cookies: Record<string, string | undefined>): string | undefined {
  const value = cookies[SESSION_COOKIE];
  return value !== undefined && tokenShape.test(value) ? value : undefined;
}

export async function authenticateSocket(
  ctx: AppContext,
  token: string | undefined,
  deviceId: string,
): Promise<AuthenticationResult> {
  if (token === undefined || !tokenShape.test(token)) return { kind: 'unauthenticated' };
  return authenticateSession(ctx, hashToken(token), deviceId);
}

/**
 * Who holds the session with this hash on this device. Also how a cluster node that hosts a
 * meeting checks a participant whose socket is on another node: from the database, not from what
 * that node says (cluster/host-side.ts).
 */
export async function authenticateSession(
  ctx: AppContext,
  sessionHash: string,
  deviceId: string,
): Promise<AuthenticationResult> {
  const session = await ctx.store.sessions.find(sessionHash, ctx.now());
  if (session === undefined) return { kind: 'unauthenticated' };
  const user = await ctx.store.users.get(session.tenantId, session.userId);
  // A one-time password not yet changed, or a disabled account, opens no meeting.
  if (user === undefined || user.mustChangePassword || user.disabledAt !== undefined)
    return { kind: 'unauthenticated' };
  const devices = await ctx.store.devices.listForUser(session.tenantId, user.id);
  const device = devices.find((d) => d.id === deviceId);
  const key = device === undefined ? undefined : fromBase64(device.signaturePublicKey);
  if (device === undefined || key === undefined) return { kind: 'unknown_device' };
  return {
    kind: 'ok',
    identity: { tenantId: session.tenantId, sessionHash, user, device, signaturePublicKey: key },
  };
}

/**
 * Whether the socket's session still holds: not signed out, not expired, its user not deleted
 * (deleting a user deletes their sessions).
 */
export async function sessionHolds(ctx: AppContext, who: SocketIdentity): Promise<boolean> {
  const session = await ctx.store.sessions.find(who.sessionHash, ctx.now());
  return session?.tenantId === who.tenantId && session.userId === who.user.id;
}
