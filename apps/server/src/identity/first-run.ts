// The first admin: created on the first start with an empty database, or explicitly (a lost admin
// password, a new organization) by bootstrapAdmin. The password is reported once and stored only
// as a hash.
import type { AuditLog } from '../audit/audit-log.ts';
import { ServerError } from '../errors.ts';
import type { Store } from '../storage/store.ts';
import { requireStrongPassword } from './password-rule.ts';
import { hashPassword, generatePassword } from './passwords.ts';
import type { ScryptCost } from './passwords.ts';
import { createTenant, createUser } from './provisioning.ts';

export interface Credentials {
  email: string;
  password: string;
}

export const defaultAdminEmail = 'admin@conclave.local';
export const defaultTenantName = 'My organization';

interface Deps {
  store: Store;
  audit: AuditLog;
  now: () => number;
  cost: ScryptCost;
}

/**
 * Makes `email` an admin with a fresh password: in the named organization (created if new), else
 * where a user has that email, else in the first organization (created if the database is
 * empty). An existing user is promoted and gets the new password; their sessions end. Without a
 * name, an email that users of several organizations have is refused: the operator names one.
 */
export async function ensureAdmin(
  deps: Deps,
  request: { email: string; password?: string | undefined; tenantName?: string | undefined },
): Promise<Credentials> {
  const { store, audit, now, cost } = deps;
  if (request.password !== undefined) requireStrongPassword(request.password);
  const password = request.password ?? generatePassword();
  const named =
    request.tenantName === undefined
      ? undefined
      : await store.tenants.findByName(request.tenantName);
  let existing: { tenantId: string; id: string } | undefined;
  if (named !== undefined) {
    const id = await store.users.idByEmail(named.id, request.email);
    existing = id === undefined ? undefined : { tenantId: named.id, id };
  } else if (request.tenantName === undefined) {
    const accounts = await store.users.signInAccounts(request.email);
    if (accounts.length > 1) {
      throw new ServerError(
        'INVALID_INPUT',
        'Users of several organizations have this email address; name the organization.',
      );
    }
    existing = accounts[0];
  }
  if (existing !== undefined) {
    const passwordHash = await hashPassword(password, cost);
    await store.transaction(async (tx) => {
      await tx.users.update(existing.tenantId, existing.id, { role: 'admin', passwordHash });
      await tx.sessions.deleteForUser(existing.tenantId, existing.id);
      await tx.knownDevices.deleteForUser(existing.tenantId, existing.id);
      await audit.record(
        {
          tenantId: existing.tenantId,
          actor: null,
          kind: 'user.bootstrapped',
          subject: `user:${existing.id}`,
          details: { role: 'admin', signInReset: true },
        },
        tx,
      );
    });
    return { email: request.email, password };
  }
  const tenant =
    named ??
    (request.tenantName === undefined ? await store.tenants.first() : undefined) ??
    (await createTenant(store, request.tenantName ?? defaultTenantName, now()));
  await createUser(
    store,
    tenant.id,
    { email: request.email, displayName: 'Administrator', role: 'admin', premium: true, password },
    {
      now: now(),
      cost,
      alongside: (tx, user) =>
        audit.record(
          {
            tenantId: tenant.id,
            actor: null,
            kind: 'user.bootstrapped',
            subject: `user:${user.id}`,
            details: { email: user.email, role: 'admin' },
          },
          tx,
        ),
    },
  );
  return { email: request.email, password };
}
