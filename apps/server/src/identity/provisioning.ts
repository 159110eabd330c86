// Creating tenants and users: shared by the admin API, first run, bootstrapAdmin and the demo.
import { randomUUID } from 'node:crypto';
import { builtInGlobalPolicy, defaultTenantE2eeSettings } from '@conclave/policy';
import { ServerError, conflict } from '../errors.ts';
import type { Role, TenantRecord, UserRecord } from '../storage/records.ts';
import type { Store } from '../storage/store.ts';
import { requireStrongPassword } from './password-rule.ts';
import { generatePassword, hashPassword } from './passwords.ts';
import type { ScryptCost } from './passwords.ts';

/** A new tenant with the default E2EE settings and the built-in `Global` policy (spec §1). */
export async function createTenant(store: Store, name: string, now: number): Promise<TenantRecord> {
  const tenant: TenantRecord = {
    id: randomUUID(),
    name,
    e2ee: defaultTenantE2eeSettings(),
    createdAt: now,
  };
  await store.transaction(async (tx) => {
    await tx.tenants.create(tenant);
    await tx.encryptionPolicies.create(
      tenant.id,
      { description: '', ...builtInGlobalPolicy() },
      now,
    );
  });
  return tenant;
}

export interface NewUserInput {
  email: string;
  displayName: string;
  role: Role;
  premium: boolean;
  e2eeCalls?: boolean;
  /** Omitted: one is generated and returned. */
  password?: string | undefined;
  /**
   * The password is one-time: changed at first sign-in. False unless said: first run, the demo
   * and single sign-on make accounts whose password is not handed to a person by someone else.
   */
  mustChangePassword?: boolean | undefined;
}

/**
 * Creates a user; returns it and, when the password was generated, that password (to be shown
 * once). A given password must meet the rule (WEAK_PASSWORD otherwise). The hash is computed before any transaction so no lock is held while scrypt runs.
 */
export async function createUser(
  store: Store,
  tenantId: string,
  input: NewUserInput,
  options: {
    now: number;
    cost: ScryptCost;
    /** Runs in the same transaction as the insert (the audit entry). */
    alongside?: (tx: Store, user: UserRecord) => Promise<void>;
  },
): Promise<{ user: UserRecord; generatedPassword?: string }> {
  if (input.password !== undefined) requireStrongPassword(input.password);
  const generatedPassword = input.password === undefined ? generatePassword() : undefined;
  const passwordHash = await hashPassword(input.password ?? generatedPassword ?? '', options.cost);
  const id = randomUUID();
  const user = await store.transaction(async (tx) => {
    // Checked first: on PostgreSQL a failed INSERT would abort the whole transaction.
    // Within this tenant only: whether another tenant has the address is none of its business.
    if ((await tx.users.idByEmail(tenantId, input.email)) !== undefined) {
      throw conflict('A user with this email address already exists.');
    }
    await tx.users.create(tenantId, {
      id,
      email: input.email,
      displayName: input.displayName,
      role: input.role,
      premium: input.premium,
      e2eeCalls: input.e2eeCalls ?? false,
      passwordHash,
      mustChangePassword: input.mustChangePassword ?? false,
      createdAt: options.now,
    });
    const created = await tx.users.get(tenantId, id);
    if (created === undefined)
      throw new ServerError('INTERNAL', 'The new user could not be read back.');
    await options.alongside?.(tx, created);
    return created;
  });
  return generatedPassword === undefined ? { user } : { user, generatedPassword };
}
