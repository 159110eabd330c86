// Who an ID token is, in this tenant. The provider's subject is linked to one user the first time
// (a new user is created just in time, or an existing one whose email the provider says it
// verified); from then on the subject decides, whatever the email says. The email must be in one
// of the tenant's single sign-on domains: a provider cannot sign someone in as another
// organization's address. With a groups claim, the user's memberships of the tenant's groups are
// set from it at every sign-in (groups are matched by name; the provider is the authority for
// people who sign in through it), so policy assignment by group follows the company's groups.
import { actorOf } from '../../audit/actor.ts';
import type { AppContext } from '../../context.ts';
import type { SsoSettingsRecord } from '../../storage/repos/sso.ts';
import type { UserRecord } from '../../storage/records.ts';
import { createUser } from '../provisioning.ts';
import { SsoFailure } from './failure.ts';

export type IdTokenClaims = Readonly<Record<string, unknown>>;

export interface SignedInThroughSso {
  readonly user: UserRecord;
  readonly created: boolean;
  /** Group ids the sign-in added the user to and took them out of. */
  readonly groups: { readonly added: string[]; readonly removed: string[] };
}

function text(claims: IdTokenClaims, name: string): string | undefined {
  const value = claims[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

export async function accountFor(
  ctx: AppContext,
  settings: SsoSettingsRecord,
  claims: IdTokenClaims,
): Promise<SignedInThroughSso> {
  const { tenantId, issuer } = settings;
  const subject = text(claims, 'sub');
  const email = text(claims, settings.emailClaim)?.toLowerCase();
  if (subject === undefined || email === undefined) throw new SsoFailure('claims_missing');
  const domain = email.slice(email.lastIndexOf('@') + 1);
  if (!email.includes('@') || !settings.domains.includes(domain))
    throw new SsoFailure('domain_not_allowed');
  const displayName = text(claims, settings.nameClaim) ?? email;

  let created = false;
  let userId = await ctx.store.sso.userOf(tenantId, issuer, subject);
  if (userId === undefined) {
    const existing = await ctx.store.users.idByEmail(tenantId, email);
    if (existing !== undefined && claims.email_verified !== true)
      throw new SsoFailure('email_unverified');
    if (existing !== undefined) userId = existing;
    else {
      const made = await createUser(
        ctx.store,
        tenantId,
        { email, displayName, role: 'user', premium: settings.newUsersPremium },
        {
          now: ctx.now(),
          cost: ctx.passwordCost,
          alongside: (tx, user) =>
            ctx.audit.record(
              {
                tenantId,
                actor: null,
                kind: 'user.created',
                subject: `user:${user.id}`,
                details: { email: user.email, role: user.role, via: 'single-sign-on' },
              },
              tx,
            ),
        },
      );
      userId = made.user.id;
      created = true;
    }
    await ctx.store.sso.link(tenantId, { issuer, subject, userId, now: ctx.now() });
  }
  const groups = await syncGroups(ctx, settings, claims, userId);
  const user = await ctx.store.users.get(tenantId, userId);
  if (user === undefined) throw new SsoFailure('claims_missing');
  if (user.disabledAt !== undefined) throw new SsoFailure('account_disabled');
  return { user, created, groups };
}

async function syncGroups(
  ctx: AppContext,
  settings: SsoSettingsRecord,
  claims: IdTokenClaims,
  userId: string,
): Promise<SignedInThroughSso['groups']> {
  const none = { added: [], removed: [] };
  if (settings.groupsClaim === null) return none;
  const claimed = claims[settings.groupsClaim];
  const names = new Set(
    Array.isArray(claimed) ? claimed.filter((g): g is string => typeof g === 'string') : [],
  );
  const { tenantId } = settings;
  return ctx.store.transaction(async (tx) => {
    const added: string[] = [];
    const removed: string[] = [];
    for (const group of await tx.groups.list(tenantId)) {
      const member = group.members.includes(userId);
      if (names.has(group.name) && !member) {
        await tx.groups.addMember(tenantId, group.id, userId);
        added.push(group.id);
      } else if (!names.has(group.name) && member) {
        await tx.groups.removeMember(tenantId, group.id, userId);
        removed.push(group.id);
      }
    }
    if (added.length + removed.length > 0) {
      const user = await tx.users.get(tenantId, userId);
      await ctx.audit.record(
        {
          tenantId,
          actor: user === undefined ? null : actorOf(user),
          kind: 'user.groups.synced',
          subject: `user:${userId}`,
          details: { added, removed, via: 'single-sign-on' },
        },
        tx,
      );
    }
    return { added, removed };
  });
}
