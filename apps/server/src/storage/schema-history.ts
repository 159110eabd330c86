// The schema's history: every versioned migration, in order (./migrations.ts applies them). The
// SQL is portable; the few dialect differences (an auto-increment key, the triggers that make the
// audit log append-only) come from `ddl` below. Never edit a released migration: add one.
import type { Dialect } from './sql.ts';
import { migrationsFrom11 } from './schema-history-from-11.ts';

export interface DialectDdl {
  dialect: Dialect;
  /** A column definition for an increasing integer primary key. */
  autoIncrementKey: string;
  /** Statements that make `table` reject every UPDATE and DELETE. */
  appendOnly(table: string): string;
}

export const ddl: Record<Dialect, DialectDdl> = {
  sqlite: {
    dialect: 'sqlite',
    autoIncrementKey: 'INTEGER PRIMARY KEY AUTOINCREMENT',
    appendOnly: (table) => `
      CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table}
      BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END;
      CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}
      BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END;`,
  },
  postgres: {
    dialect: 'postgres',
    autoIncrementKey: 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY',
    appendOnly: (table) => `
      CREATE FUNCTION ${table}_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION '${table} is append-only'; END; $$;
      CREATE TRIGGER ${table}_no_update BEFORE UPDATE OR DELETE ON ${table}
      FOR EACH ROW EXECUTE FUNCTION ${table}_reject_change();
      CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
      FOR EACH STATEMENT EXECUTE FUNCTION ${table}_reject_change();`,
  },
};

export interface Migration {
  version: number;
  name: string;
  sql(d: DialectDdl): string;
  /**
   * SQLite: the migration rebuilds a table that others refer to (the only way to drop a column
   * constraint there), so foreign keys are off while it runs — a DROP TABLE would otherwise
   * cascade — and checked before it commits.
   */
  rebuildsReferencedTable?: true;
}

/** Both assignment tables share one shape: a user, a group at a rank, or the whole tenant. */
function assignmentTable(table: string, policyTable: string): string {
  return `
    CREATE TABLE ${table} (
      tenant_id TEXT NOT NULL,
      id TEXT NOT NULL,
      policy_name TEXT NOT NULL,
      scope TEXT NOT NULL CHECK (scope IN ('user', 'group', 'global')),
      user_id TEXT,
      group_id TEXT,
      group_rank INTEGER,
      created_at BIGINT NOT NULL,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, policy_name) REFERENCES ${policyTable} (tenant_id, name),
      FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE,
      FOREIGN KEY (tenant_id, group_id) REFERENCES user_groups (tenant_id, id) ON DELETE CASCADE,
      CHECK ((scope = 'user') = (user_id IS NOT NULL)),
      CHECK ((scope = 'group') = (group_id IS NOT NULL AND group_rank IS NOT NULL))
    );
    CREATE UNIQUE INDEX ${table}_one_per_user ON ${table} (tenant_id, user_id) WHERE scope = 'user';
    CREATE UNIQUE INDEX ${table}_one_per_group ON ${table} (tenant_id, group_id) WHERE scope = 'group';
    CREATE UNIQUE INDEX ${table}_unique_rank ON ${table} (tenant_id, group_rank) WHERE scope = 'group';
    CREATE UNIQUE INDEX ${table}_one_global ON ${table} (tenant_id) WHERE scope = 'global';`;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'identity, governance, meetings, audit',
    sql: (d) => `
      CREATE TABLE tenants (
        tenant_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        e2ee TEXT NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE TABLE users (
        tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
        id TEXT NOT NULL,
        email TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('admin', 'user')),
        premium INTEGER NOT NULL,
        e2ee_calls INTEGER NOT NULL,
        password_hash TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (tenant_id, id)
      );
      CREATE TABLE user_groups (
        tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
        id TEXT NOT NULL,
        name TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (tenant_id, id),
        UNIQUE (tenant_id, name)
      );
      CREATE TABLE group_members (
        tenant_id TEXT NOT NULL,
        group_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        PRIMARY KEY (tenant_id, group_id, user_id),
        FOREIGN KEY (tenant_id, group_id) REFERENCES user_groups (tenant_id, id) ON DELETE CASCADE,
        FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
      );
      CREATE INDEX group_members_by_user ON group_members (tenant_id, user_id);
      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
      );
      CREATE INDEX sessions_by_user ON sessions (tenant_id, user_id);
      CREATE TABLE devices (
        tenant_id TEXT NOT NULL,
        id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        name TEXT NOT NULL,
        signature_public_key TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
      );
      CREATE INDEX devices_by_user ON devices (tenant_id, user_id);
      CREATE TABLE encryption_policies (
        tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
        name TEXT NOT NULL,
        description TEXT NOT NULL,
        meeting_e2ee TEXT NOT NULL CHECK (meeting_e2ee IN ('Disabled', 'DisabledUserOverride')),
        calling_e2ee TEXT NOT NULL CHECK (calling_e2ee IN ('Disabled', 'DisabledUserOverride')),
        created_at BIGINT NOT NULL,
        PRIMARY KEY (tenant_id, name)
      );
      ${assignmentTable('encryption_policy_assignments', 'encryption_policies')}
      CREATE TABLE compliance_recording_policies (
        tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
        name TEXT NOT NULL,
        enabled INTEGER NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (tenant_id, name)
      );
      ${assignmentTable('compliance_recording_assignments', 'compliance_recording_policies')}
      CREATE TABLE meeting_templates (
        tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
        id TEXT NOT NULL,
        name TEXT NOT NULL,
        options TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (tenant_id, id)
      );
      CREATE TABLE sensitivity_labels (
        tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
        id TEXT NOT NULL,
        name TEXT NOT NULL,
        meeting_e2ee TEXT CHECK (meeting_e2ee IN ('apply', 'dontApply')),
        created_at BIGINT NOT NULL,
        PRIMARY KEY (tenant_id, id)
      );
      CREATE TABLE meetings (
        tenant_id TEXT NOT NULL,
        id TEXT NOT NULL,
        organizer_id TEXT NOT NULL,
        subject TEXT NOT NULL,
        type TEXT NOT NULL,
        template_id TEXT,
        label_id TEXT,
        options TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('scheduled', 'started', 'ended')),
        decision TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        started_at BIGINT,
        ended_at BIGINT,
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, organizer_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
      );
      CREATE INDEX meetings_by_organizer ON meetings (tenant_id, organizer_id);
      CREATE TABLE meeting_invitees (
        tenant_id TEXT NOT NULL,
        meeting_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        PRIMARY KEY (tenant_id, meeting_id, user_id),
        FOREIGN KEY (tenant_id, meeting_id) REFERENCES meetings (tenant_id, id) ON DELETE CASCADE,
        FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
      );
      CREATE INDEX meeting_invitees_by_user ON meeting_invitees (tenant_id, user_id);
      CREATE TABLE calls (
        tenant_id TEXT NOT NULL,
        id TEXT NOT NULL,
        caller_id TEXT NOT NULL,
        callee_id TEXT NOT NULL,
        decision TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, caller_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE,
        FOREIGN KEY (tenant_id, callee_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
      );
      CREATE TABLE audit_log (
        id ${d.autoIncrementKey},
        tenant_id TEXT NOT NULL,
        at BIGINT NOT NULL,
        actor_id TEXT,
        actor_name TEXT,
        kind TEXT NOT NULL,
        subject TEXT NOT NULL,
        details TEXT NOT NULL
      );
      CREATE INDEX audit_log_by_tenant ON audit_log (tenant_id, id);
      ${d.appendOnly('audit_log')}
    `,
  },
  // Realtime (apps/server/src/realtime): the MLS delivery service's state per E2EE meeting or
  // call (meeting_id is either), and each tenant's external-sender key. No group secret is stored:
  // the server is never a member. Repository: repos/realtime.ts.
  {
    version: 2,
    name: 'realtime: MLS delivery service state, external-sender keys',
    sql: () => `
      CREATE TABLE realtime_external_senders (
        tenant_id TEXT PRIMARY KEY REFERENCES tenants (tenant_id),
        key_pair TEXT NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE TABLE mls_groups (
        tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
        meeting_id TEXT NOT NULL,
        group_id TEXT NOT NULL,
        epoch BIGINT NOT NULL,
        created INTEGER NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (tenant_id, meeting_id)
      );
      CREATE TABLE mls_members (
        tenant_id TEXT NOT NULL,
        meeting_id TEXT NOT NULL,
        participant_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        leaf_index INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, meeting_id, participant_id),
        FOREIGN KEY (tenant_id, meeting_id) REFERENCES mls_groups (tenant_id, meeting_id) ON DELETE CASCADE
      );
      CREATE TABLE mls_proposals (
        tenant_id TEXT NOT NULL,
        meeting_id TEXT NOT NULL,
        proposal_id TEXT NOT NULL,
        seq BIGINT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('add', 'remove')),
        participant_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        leaf_index INTEGER,
        key_package TEXT,
        key_package_ref TEXT,
        flushed_epoch BIGINT,
        message TEXT,
        attempts INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, meeting_id, proposal_id),
        FOREIGN KEY (tenant_id, meeting_id) REFERENCES mls_groups (tenant_id, meeting_id) ON DELETE CASCADE
      );
      CREATE TABLE mls_commits (
        tenant_id TEXT NOT NULL,
        meeting_id TEXT NOT NULL,
        epoch BIGINT NOT NULL,
        message TEXT NOT NULL,
        proposals TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (tenant_id, meeting_id, epoch),
        FOREIGN KEY (tenant_id, meeting_id) REFERENCES mls_groups (tenant_id, meeting_id) ON DELETE CASCADE
      );
      CREATE TABLE mls_used_key_packages (
        tenant_id TEXT NOT NULL,
        ref TEXT NOT NULL,
        used_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        PRIMARY KEY (tenant_id, ref)
      );
      CREATE INDEX mls_used_key_packages_by_expiry ON mls_used_key_packages (expires_at);
    `,
  },
  // Who the organizer (or an admin) removed from a running meeting: they may not join it again
  // until it is ended and started again. A row belongs to the run that began at
  // run_started_at, so a later run ignores it. Repository: repos/removals.ts.
  {
    version: 3,
    name: 'realtime: participants removed from a running meeting',
    sql: () => `
      CREATE TABLE meeting_removals (
        tenant_id TEXT NOT NULL,
        meeting_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        run_started_at BIGINT NOT NULL,
        removed_by TEXT NOT NULL,
        removed_at BIGINT NOT NULL,
        PRIMARY KEY (tenant_id, meeting_id, user_id),
        FOREIGN KEY (tenant_id, meeting_id) REFERENCES meetings (tenant_id, id) ON DELETE CASCADE,
        FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
      );
    `,
  },
  // Browsers and CLIs that signed in before (identity/sign-in.ts): a password attempt from one of
  // them is limited per device, so an attack on the account does not shut its owner out. Stored
  // by the SHA-256 of the token only, like sessions. Repository: repos/known-devices.ts.
  {
    version: 4,
    name: 'sign-in: known devices',
    sql: () => `
      CREATE TABLE known_devices (
        token_hash TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        last_used_at BIGINT NOT NULL,
        FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
      );
      CREATE INDEX known_devices_by_user ON known_devices (tenant_id, user_id, last_used_at);
    `,
  },
  // An email is unique within its organization only (it was unique across all of them, so one
  // tenant's admin could learn which addresses another tenant has, and take them first). Sign-in
  // checks the password against every account with the email (identity/sign-in.ts).
  {
    version: 5,
    name: 'users: an email is unique within its tenant',
    rebuildsReferencedTable: true,
    sql: (d) =>
      d.dialect === 'postgres'
        ? `
      ALTER TABLE users DROP CONSTRAINT users_email_key;
      ALTER TABLE users ADD CONSTRAINT users_email_per_tenant UNIQUE (tenant_id, email);
      CREATE INDEX users_by_email ON users (email);
    `
        : `
      CREATE TABLE users_new (
        tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
        id TEXT NOT NULL,
        email TEXT NOT NULL,
        display_name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('admin', 'user')),
        premium INTEGER NOT NULL,
        e2ee_calls INTEGER NOT NULL,
        password_hash TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (tenant_id, id),
        CONSTRAINT users_email_per_tenant UNIQUE (tenant_id, email)
      );
      INSERT INTO users_new (tenant_id, id, email, display_name, role, premium, e2ee_calls,
                             password_hash, created_at)
        SELECT tenant_id, id, email, display_name, role, premium, e2ee_calls, password_hash,
               created_at
        FROM users;
      DROP TABLE users;
      ALTER TABLE users_new RENAME TO users;
      CREATE INDEX users_by_email ON users (email);
    `,
  },
  // People admitted to a meeting other than its organizer and invitees (an admin who entered it,
  // someone of the tenant who opened its link; from version 10, a lobby admission). Members' authentication
  // services read them, with the organizer and invitees, as who the meeting may contain.
  // Repository: repos/admissions.ts.
  {
    version: 6,
    name: 'meetings: admissions beyond the organizer and the invitees',
    sql: () => `
      CREATE TABLE meeting_admissions (
        tenant_id TEXT NOT NULL,
        meeting_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        via TEXT NOT NULL CHECK (via IN ('admin', 'open-link')),
        admitted_at BIGINT NOT NULL,
        PRIMARY KEY (tenant_id, meeting_id, user_id),
        FOREIGN KEY (tenant_id, meeting_id) REFERENCES meetings (tenant_id, id) ON DELETE CASCADE,
        FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
      );
    `,
  },
  // Single sign-on per tenant (identity/sso/): the OpenID provider, its client secret sealed like
  // the external-sender keys, the email domains whose people sign in through it (one tenant per
  // domain), and which provider subject is which user. Repository: repos/sso.ts.
  {
    version: 7,
    name: 'identity: single sign-on through an OpenID provider',
    sql: () => `
      CREATE TABLE tenant_sso (
        tenant_id TEXT PRIMARY KEY REFERENCES tenants (tenant_id) ON DELETE CASCADE,
        issuer TEXT NOT NULL,
        client_id TEXT NOT NULL,
        client_secret_sealed TEXT NOT NULL,
        email_claim TEXT NOT NULL,
        name_claim TEXT NOT NULL,
        groups_claim TEXT,
        password_sign_in INTEGER NOT NULL,
        new_users_premium INTEGER NOT NULL,
        updated_at BIGINT NOT NULL
      );
      CREATE TABLE sso_domains (
        domain TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL REFERENCES tenant_sso (tenant_id) ON DELETE CASCADE
      );
      CREATE TABLE sso_identities (
        tenant_id TEXT NOT NULL,
        issuer TEXT NOT NULL,
        subject TEXT NOT NULL,
        user_id TEXT NOT NULL,
        linked_at BIGINT NOT NULL,
        PRIMARY KEY (tenant_id, issuer, subject),
        FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
      );
      CREATE INDEX sso_identities_by_user ON sso_identities (tenant_id, user_id);
    `,
  },
  // Which node of a cluster hosts each live meeting (cluster/): a lease, claimed and renewed with
  // a compare-and-set on this row, so every node routes a meeting's participants to one room.
  // Unused by a single server. No foreign key: a lease outlives nothing and is only ever replaced.
  {
    version: 8,
    name: 'cluster: the node hosting each live meeting',
    sql: () => `
      CREATE TABLE meeting_hosts (
        tenant_id TEXT NOT NULL,
        meeting_id TEXT NOT NULL,
        node_id TEXT NOT NULL,
        lease_until BIGINT NOT NULL,
        PRIMARY KEY (tenant_id, meeting_id)
      );
    `,
  },
  // The CLI's single sign-on codes that were redeemed (identity/sso/cli-handoff.ts): in the
  // database, so a code is good once however many nodes a cluster has. Kept until they expire.
  {
    version: 9,
    name: 'identity: single sign-on codes redeemed by the CLI',
    sql: () => `
      CREATE TABLE sso_redeemed_codes (
        code_hash TEXT PRIMARY KEY,
        expires_at BIGINT NOT NULL
      );
    `,
  },
  // The lobby (governance.md §5): people who are neither organizer nor invitee enter only when an
  // organizer (or an admin) lets them in — an admission `via` 'lobby', with who let them in. The
  // table is rebuilt because a CHECK constraint cannot be changed in place in SQLite.
  {
    version: 10,
    name: 'meetings: admissions from the lobby, and who let each person in',
    sql: () => `
      CREATE TABLE meeting_admissions_new (
        tenant_id TEXT NOT NULL,
        meeting_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        via TEXT NOT NULL CHECK (via IN ('admin', 'open-link', 'lobby')),
        admitted_by TEXT,
        admitted_at BIGINT NOT NULL,
        PRIMARY KEY (tenant_id, meeting_id, user_id),
        FOREIGN KEY (tenant_id, meeting_id) REFERENCES meetings (tenant_id, id) ON DELETE CASCADE,
        FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
      );
      INSERT INTO meeting_admissions_new (tenant_id, meeting_id, user_id, via, admitted_at)
        SELECT tenant_id, meeting_id, user_id, via, admitted_at FROM meeting_admissions;
      DROP TABLE meeting_admissions;
      ALTER TABLE meeting_admissions_new RENAME TO meeting_admissions;
    `,
  },
  ...migrationsFrom11,
];
