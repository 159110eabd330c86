// Single sign-on settings per tenant, the email domains that lead to them, and the link from a
// provider's subject to a user (identity/sso/). The client secret is stored sealed only.
import type { SqlDb } from '../sql.ts';

export interface SsoSettingsRecord {
  readonly tenantId: string;
  readonly issuer: string;
  readonly clientId: string;
  /** Sealed under the server's secret key (secrets/sealing.ts), bound to the tenant. */
  readonly clientSecretSealed: string;
  readonly emailClaim: string;
  readonly nameClaim: string;
  /** The claim whose strings name the tenant's groups the user is in; null: groups not synced. */
  readonly groupsClaim: string | null;
  /** False: only the break-glass admin may still sign in with a password. */
  readonly passwordSignIn: boolean;
  /** Users created at their first sign-in get the premium licence. */
  readonly newUsersPremium: boolean;
  readonly domains: readonly string[];
  readonly updatedAt: number;
}

interface Row {
  tenant_id: string;
  issuer: string;
  client_id: string;
  client_secret_sealed: string;
  email_claim: string;
  name_claim: string;
  groups_claim: string | null;
  password_sign_in: number;
  new_users_premium: number;
  updated_at: number;
}

const toRecord = (row: Row, domains: readonly string[]): SsoSettingsRecord => ({
  tenantId: row.tenant_id,
  issuer: row.issuer,
  clientId: row.client_id,
  clientSecretSealed: row.client_secret_sealed,
  emailClaim: row.email_claim,
  nameClaim: row.name_claim,
  groupsClaim: row.groups_claim,
  passwordSignIn: Number(row.password_sign_in) === 1,
  newUsersPremium: Number(row.new_users_premium) === 1,
  domains,
  updatedAt: Number(row.updated_at),
});

export function ssoRepo(db: SqlDb) {
  async function domainsOf(tenantId: string): Promise<string[]> {
    const rows = await db.all<{ domain: string }>(
      'SELECT domain FROM sso_domains WHERE tenant_id = ? ORDER BY domain',
      [tenantId],
    );
    return rows.map((row) => row.domain);
  }

  async function get(tenantId: string): Promise<SsoSettingsRecord | undefined> {
    const row = await db.get<Row>('SELECT * FROM tenant_sso WHERE tenant_id = ?', [tenantId]);
    return row && toRecord(row, await domainsOf(tenantId));
  }

  return {
    get,
    /** The tenant whose sign-on an email domain leads to. */
    async byDomain(domain: string): Promise<SsoSettingsRecord | undefined> {
      const row = await db.get<{ tenant_id: string }>(
        'SELECT tenant_id FROM sso_domains WHERE domain = ?',
        [domain],
      );
      return row && get(row.tenant_id);
    },
    /** Domains another tenant already signs in with (a domain leads to one tenant only). */
    async domainsTakenElsewhere(tenantId: string, domains: readonly string[]): Promise<string[]> {
      if (domains.length === 0) return [];
      const rows = await db.all<{ domain: string }>(
        `SELECT domain FROM sso_domains WHERE tenant_id <> ? AND domain IN (${domains.map(() => '?').join(', ')})`,
        [tenantId, ...domains],
      );
      return rows.map((row) => row.domain);
    },
    /** Creates or replaces the tenant's settings and domains (call inside a transaction). */
    async put(settings: SsoSettingsRecord): Promise<void> {
      await db.run(
        `INSERT INTO tenant_sso (tenant_id, issuer, client_id, client_secret_sealed, email_claim,
           name_claim, groups_claim, password_sign_in, new_users_premium, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (tenant_id) DO UPDATE SET
           issuer = excluded.issuer, client_id = excluded.client_id,
           client_secret_sealed = excluded.client_secret_sealed,
           email_claim = excluded.email_claim, name_claim = excluded.name_claim,
           groups_claim = excluded.groups_claim, password_sign_in = excluded.password_sign_in,
           new_users_premium = excluded.new_users_premium, updated_at = excluded.updated_at`,
        [
          settings.tenantId,
          settings.issuer,
          settings.clientId,
          settings.clientSecretSealed,
          settings.emailClaim,
          settings.nameClaim,
          settings.groupsClaim,
          settings.passwordSignIn,
          settings.newUsersPremium,
          settings.updatedAt,
        ],
      );
      await db.run('DELETE FROM sso_domains WHERE tenant_id = ?', [settings.tenantId]);
      for (const domain of settings.domains)
        await db.run('INSERT INTO sso_domains (domain, tenant_id) VALUES (?, ?)', [
          domain,
          settings.tenantId,
        ]);
    },
    async delete(tenantId: string): Promise<boolean> {
      await db.run('DELETE FROM sso_domains WHERE tenant_id = ?', [tenantId]);
      return (await db.run('DELETE FROM tenant_sso WHERE tenant_id = ?', [tenantId])) > 0;
    },
    /** Every tenant's sealed client secret (secret key rotation re-seals them). */
    async sealedSecrets(): Promise<{ tenantId: string; sealed: string }[]> {
      const rows = await db.all<{ tenant_id: string; client_secret_sealed: string }>(
        'SELECT tenant_id, client_secret_sealed FROM tenant_sso ORDER BY tenant_id',
      );
      return rows.map((row) => ({ tenantId: row.tenant_id, sealed: row.client_secret_sealed }));
    },
    async resealSecret(tenantId: string, sealed: string): Promise<void> {
      await db.run('UPDATE tenant_sso SET client_secret_sealed = ? WHERE tenant_id = ?', [
        sealed,
        tenantId,
      ]);
    },
    /** The user a provider's subject signed in as before. */
    async userOf(tenantId: string, issuer: string, subject: string): Promise<string | undefined> {
      const row = await db.get<{ user_id: string }>(
        'SELECT user_id FROM sso_identities WHERE tenant_id = ? AND issuer = ? AND subject = ?',
        [tenantId, issuer, subject],
      );
      return row?.user_id;
    },
    async link(
      tenantId: string,
      identity: { issuer: string; subject: string; userId: string; now: number },
    ): Promise<void> {
      await db.run(
        'INSERT INTO sso_identities (tenant_id, issuer, subject, user_id, linked_at) VALUES (?, ?, ?, ?, ?)',
        [tenantId, identity.issuer, identity.subject, identity.userId, identity.now],
      );
    },
    /** Whether the user has signed in through a provider (their groups then come from it). */
    async linked(tenantId: string, userId: string): Promise<boolean> {
      const row = await db.get<{ n: number }>(
        'SELECT COUNT(*) AS n FROM sso_identities WHERE tenant_id = ? AND user_id = ?',
        [tenantId, userId],
      );
      return Number(row?.n ?? 0) > 0;
    },
    /**
     * Marks a one-time code (by its hash) used; false if it was used before. One statement, so
     * two nodes redeeming the same code at once cannot both succeed. Forgets expired ones.
     */
    async redeemOnce(codeHash: string, expiresAt: number, now: number): Promise<boolean> {
      await db.run('DELETE FROM sso_redeemed_codes WHERE expires_at < ?', [now]);
      const first = await db.get<{ code_hash: string }>(
        `INSERT INTO sso_redeemed_codes (code_hash, expires_at) VALUES (?, ?)
         ON CONFLICT (code_hash) DO NOTHING RETURNING code_hash`,
        [codeHash, expiresAt],
      );
      return first !== undefined;
    },
  };
}
