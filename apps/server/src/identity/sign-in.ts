// Checking a sign-in: who may try, against which accounts, and what a failure costs.
//
// Every attempt is counted before the password check (scrypt), so a burst of parallel guesses
// cannot outrun the limits. Three limits apply:
//   - per client address: every attempt, in a fixed window (SignInLimits.perIp);
//   - per email address: failures, with a growing delay (perEmail). Keyed by the email whether
//     or not any account has it, so the answers never tell whether one does;
//   - per account: failures against that account, with the same back-off, so that an admin who
//     lifts the limit on one account (or a person who signs in to another account with the same
//     email) never opens the others to more guesses.
// A device that signed in to the account before (the browser's cookie, the CLI's stored token)
// skips the email and account limits and has its own: an attack on an account does not lock out
// its owner. An admin can lift an account's limits.
//
// Emails are unique per organization only: the password is checked against every account with
// the email (side by side), or those of the organization the caller names. One match signs in;
// several ask which organization (ORGANIZATION_REQUIRED, only to a caller who knows the password
// of each); none is INVALID_CREDENTIALS, the same answer as for an email nobody has.
import type { AppContext } from '../context.ts';
import { ServerError } from '../errors.ts';
import { createBackoffLimiter, createRateLimiter } from '../http/rate-limit.ts';
import { limitSharingOf, sharedBackoffLimiter, sharedRateLimiter } from '../http/shared-limits.ts';
import type { Attempt, BackoffLimiter, RateLimiter, Reservation } from '../http/rate-limit.ts';
import type { UserRecord } from '../storage/records.ts';
import { normalizeEmail } from '../storage/repos/users.ts';
import type { SignInAccount } from '../storage/repos/users.ts';
import { verifyPassword } from './passwords.ts';
import { hashToken, newSessionToken } from './tokens.ts';

/** A device not used to sign in for this long is forgotten. */
export const knownDeviceTtlMs = 180 * 24 * 60 * 60 * 1000;

/**
 * Checked when no account is, so that answer takes as long as a wrong password: the hash (at the
 * default cost) of a random password nobody knows.
 */
const decoyHash =
  'scrypt$32768$8$3$Xll44npO2SoZaOKiZ4tieQ==$89tZ//l68Hz+8A6MKp/igizyukkFMEWWJZcDbC+AQzI=';

export interface SignInInput {
  email: string;
  password: string;
  /** A known-device token: the browser's cookie or the CLI's stored one. */
  deviceToken?: string | undefined;
  /**
   * The organization, by id or name (any case), for an email that accounts in several have: only
   * its accounts are tried.
   */
  organization?: string | undefined;
  /** The client's address (from X-Forwarded-For only behind a trusted proxy). */
  address: string;
}

export interface SignedIn {
  user: UserRecord;
  /** This device's token for the account: the one presented if it was the account's, else new. */
  deviceToken: string;
}

interface Guard {
  perAddress: RateLimiter;
  /** Keys: `email:<email>`, `account:<tenant>/<user>`, `device:<token hash>`. */
  perAccount: BackoffLimiter;
}

const guards = new WeakMap<AppContext, Guard>();

/**
 * Builds the sign-in limits now rather than at the first sign-in: a cluster node must count what
 * the other nodes tell it from the start, not only after someone signs in here.
 */
export function prepareSignInLimits(ctx: AppContext): void {
  guardOf(ctx);
}

function guardOf(ctx: AppContext): Guard {
  let guard = guards.get(ctx);
  if (guard === undefined) {
    const perAddress = createRateLimiter(ctx.signInLimits.perIp, ctx.now);
    const perAccount = createBackoffLimiter(ctx.signInLimits.perEmail, ctx.now);
    const sharing = limitSharingOf(ctx);
    guard =
      sharing === undefined
        ? { perAddress, perAccount }
        : {
            perAddress: sharedRateLimiter('sign-in/address', perAddress, sharing),
            perAccount: sharedBackoffLimiter('sign-in/account', perAccount, sharing),
          };
    guards.set(ctx, guard);
  }
  return guard;
}

const accountKey = (account: { tenantId: string; id: string }) =>
  `account:${account.tenantId}/${account.id}`;

function rateLimited(message: string, retryAfterMs: number): ServerError {
  return new ServerError('RATE_LIMITED', message, {
    retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)),
  });
}

function invalidCredentials(): ServerError {
  return new ServerError('INVALID_CREDENTIALS', 'Wrong email or password.');
}

function inOrganization(
  accounts: SignInAccount[],
  organization: string | undefined,
): SignInAccount[] {
  if (organization === undefined) return accounts;
  const wanted = organization.trim().toLowerCase();
  return accounts.filter(
    (a) => a.tenantId === organization.trim() || a.tenantName.trim().toLowerCase() === wanted,
  );
}

function organizationRequired(accounts: readonly SignInAccount[]): ServerError {
  const names = accounts.map((a) => a.tenantName);
  const listed = accounts.map((a) =>
    names.filter((name) => name === a.tenantName).length > 1
      ? `${a.tenantName} (id ${a.tenantId})`
      : a.tenantName,
  );
  return new ServerError(
    'ORGANIZATION_REQUIRED',
    'This email address and password belong to accounts in several organizations; say which one to sign in to.',
    { fields: [{ path: '$.organization', message: `One of: ${listed.join(', ')}.` }] },
  );
}

/** The account a presented device token signed in to, if it is one of `accounts`. */
async function knownDevice(
  ctx: AppContext,
  token: string | undefined,
  accounts: readonly SignInAccount[],
): Promise<{ token: string; tokenHash: string; account: SignInAccount } | undefined> {
  if (token === undefined) return undefined;
  const tokenHash = hashToken(token);
  const device = await ctx.store.knownDevices.find(tokenHash, ctx.now() - knownDeviceTtlMs);
  if (device === undefined) return undefined;
  const account = accounts.find((a) => a.tenantId === device.tenantId && a.id === device.userId);
  return account && { token, tokenHash, account };
}

export async function signIn(ctx: AppContext, input: SignInInput): Promise<SignedIn> {
  const guard = guardOf(ctx);
  const byAddress = guard.perAddress.check(input.address);
  if (byAddress.limited) {
    throw rateLimited(
      'Too many sign-in attempts from this address; try again later.',
      byAddress.retryAfterMs,
    );
  }
  guard.perAddress.hit(input.address);

  const email = normalizeEmail(input.email);
  const accounts = inOrganization(await ctx.store.users.signInAccounts(email), input.organization);
  const device = await knownDevice(ctx, input.deviceToken, accounts);

  // Reserved attempts; any left unsettled (an unexpected error) is released, never leaked.
  const held: Attempt[] = [];
  const take = (reservation: Reservation & { limited: false }) => {
    held.push(reservation.attempt);
    return reservation.attempt;
  };
  try {
    let gate: Attempt | undefined;
    let candidates: { account: SignInAccount; attempt: Attempt }[];
    if (device !== undefined) {
      const reservation = guard.perAccount.reserve(`device:${device.tokenHash}`);
      if (reservation.limited) {
        throw rateLimited(
          'Too many failed sign-ins from this device; try again later.',
          reservation.retryAfterMs,
        );
      }
      candidates = [{ account: device.account, attempt: take(reservation) }];
    } else {
      const reservation = guard.perAccount.reserve(`email:${email}`);
      if (reservation.limited) {
        throw rateLimited(
          'Too many failed sign-ins for this email address. Try again later, or sign in from a ' +
            'device or browser you have signed in from before.',
          reservation.retryAfterMs,
        );
      }
      gate = take(reservation);
      // An account whose own limit is reached is left out, as if it did not match: whether it
      // exists is not for the caller to learn.
      candidates = accounts.flatMap((account) => {
        const slot = guard.perAccount.reserve(accountKey(account));
        return slot.limited ? [] : [{ account, attempt: take(slot) }];
      });
    }

    // The candidates are checked side by side; with none, the decoy costs the same time.
    let results: boolean[] = [];
    if (candidates.length === 0) await verifyPassword(input.password, decoyHash);
    else {
      results = await Promise.all(
        candidates.map((c) => verifyPassword(input.password, c.account.passwordHash)),
      );
    }
    const matches = candidates.filter((candidate, i) => {
      if (results[i] === true) candidate.attempt.succeeded();
      else candidate.attempt.failed();
      return results[i] === true;
    });
    const [match, ...others] = matches;
    if (match === undefined) {
      gate?.failed();
      throw invalidCredentials();
    }
    gate?.succeeded();
    // The caller knows the password of each of these accounts: they may learn which they are.
    if (others.length > 0) throw organizationRequired(matches.map((m) => m.account));

    const user = await ctx.store.users.get(match.account.tenantId, match.account.id);
    if (user === undefined) throw invalidCredentials();
    // Said only to someone who knew the password, like SSO_REQUIRED below.
    requireEnabled(user);
    // Said only to someone who knew the password: whether SSO is required is not for guessers.
    await requirePasswordSignIn(ctx, user);
    const now = ctx.now();
    if (device !== undefined) {
      await ctx.store.knownDevices.touch(device.tokenHash, now);
      return { user, deviceToken: device.token };
    }
    const deviceToken = newSessionToken();
    await ctx.store.knownDevices.create(hashToken(deviceToken), {
      tenantId: user.tenantId,
      userId: user.id,
      now,
    });
    return { user, deviceToken };
  } finally {
    for (const attempt of held) attempt.succeeded();
  }
}

/** A disabled account opens no session, whichever way it signs in (ACCOUNT_DISABLED). */
export function requireEnabled(user: UserRecord): void {
  if (user.disabledAt === undefined) return;
  throw new ServerError(
    'ACCOUNT_DISABLED',
    'This account is disabled: an admin of your organization can enable it again.',
  );
}

/**
 * The organization may have turned password sign-in off (single sign-on only): then only its
 * first admin — the break-glass account, for when the provider is down or misconfigured — may
 * still sign in with a password.
 */
async function requirePasswordSignIn(ctx: AppContext, user: UserRecord): Promise<void> {
  const sso = await ctx.store.sso.get(user.tenantId);
  if (sso === undefined || sso.passwordSignIn) return;
  const firstAdmin = (await ctx.store.users.list(user.tenantId)).find((u) => u.role === 'admin');
  if (firstAdmin?.id === user.id) return;
  throw new ServerError(
    'SSO_REQUIRED',
    "Your organization signs in through its identity provider: use 'Continue with single sign-on'.",
  );
}

/**
 * Checks a signed-in user's current password before it is changed, counted against the account's
 * sign-in limit: a session left open in someone's absence must not guess it faster than a
 * sign-in could (429 RATE_LIMITED past the limit).
 */
export async function currentPasswordMatches(
  ctx: AppContext,
  user: UserRecord,
  password: string,
  storedHash: string,
): Promise<boolean> {
  const reservation = guardOf(ctx).perAccount.reserve(accountKey(user));
  if (reservation.limited) {
    throw rateLimited(
      'Too many wrong current passwords for this account; try again later.',
      reservation.retryAfterMs,
    );
  }
  let matches = false;
  try {
    matches = await verifyPassword(password, storedHash);
  } finally {
    if (matches) reservation.attempt.succeeded();
    else reservation.attempt.failed();
  }
  return matches;
}

/** An admin lifts the sign-in limits on a user: their email, their account, their devices. */
export async function liftSignInLimit(ctx: AppContext, user: UserRecord): Promise<void> {
  const { perAccount } = guardOf(ctx);
  perAccount.reset(`email:${normalizeEmail(user.email)}`);
  perAccount.reset(accountKey(user));
  for (const tokenHash of await ctx.store.knownDevices.listForUser(user.tenantId, user.id)) {
    perAccount.reset(`device:${tokenHash}`);
  }
}
