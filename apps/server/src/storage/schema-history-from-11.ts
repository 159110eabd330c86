// The schema's history from version 11 on (./schema-history.ts holds 1–10 and the dialect
// differences, and lists these after its own). Never edit a released migration: add one here.
import type { Migration } from './schema-history.ts';

export const migrationsFrom11: readonly Migration[] = [
  // Accounts an admin runs (issue "Meetings people can run their week on"): a one-time password
  // that must be changed at first sign-in, and a disabled account that cannot sign in. Columns
  // with defaults, so existing users keep signing in as before. Nothing here touches meetings.
  {
    version: 11,
    name: 'identity: one-time passwords and disabled accounts',
    sql: () => `
      ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE users ADD COLUMN disabled_at BIGINT;
    `,
  },
  // When a meeting happens (calendar/occurrences.ts): the first start as an instant, the IANA zone
  // whose wall clock it recurs on, its length, and a daily or weekly recurrence (JSON, with its
  // end). Meetings from before it start when they were created (or started), for 60 minutes, UTC.
  {
    version: 12,
    name: 'meetings: start time, duration, time zone and recurrence',
    sql: () => `
      ALTER TABLE meetings ADD COLUMN start_at BIGINT;
      ALTER TABLE meetings ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
      ALTER TABLE meetings ADD COLUMN duration_minutes INTEGER NOT NULL DEFAULT 60;
      ALTER TABLE meetings ADD COLUMN recurrence TEXT;
      UPDATE meetings SET start_at = COALESCE(started_at, created_at);
      CREATE INDEX meetings_by_start ON meetings (tenant_id, start_at);
    `,
  },
  // 1:1 calls ring (governance §6, docs/meeting-flow.md "1:1 calls"): each call's state, when it
  // stops ringing (a deadline compared on read, so a call whose server restarted is missed, never
  // ringing for ever), when it was answered and when it stopped. Calls placed before this were
  // joined without ringing: they read as ended.
  {
    version: 13,
    name: 'calls: ringing, answered, declined, missed, cancelled, ended',
    sql: () => `
      ALTER TABLE calls ADD COLUMN state TEXT NOT NULL DEFAULT 'ended'
        CHECK (state IN ('ringing', 'accepted', 'declined', 'missed', 'cancelled', 'ended'));
      ALTER TABLE calls ADD COLUMN ring_deadline BIGINT NOT NULL DEFAULT 0;
      ALTER TABLE calls ADD COLUMN answered_at BIGINT;
      ALTER TABLE calls ADD COLUMN ended_at BIGINT;
      UPDATE calls SET ring_deadline = created_at, ended_at = created_at;
      CREATE INDEX calls_by_caller ON calls (tenant_id, caller_id, created_at);
      CREATE INDEX calls_by_callee ON calls (tenant_id, callee_id, created_at);
    `,
  },
  // Organizer-signed admissions (spec/e2ee.md "Group keys"; governance/signed-admissions.ts): the
  // statements an organizer's (or co-organizer's) device signed for an E2EE meeting, as signed —
  // the exact statement bytes and signature, base64 — with what the server read from them, so it
  // decides who enters by the same rule members apply. One invitation list per sequence.
  // Repository: repos/signed-admissions.ts.
  {
    version: 14,
    name: "meetings: admissions signed on an organizer's device",
    sql: () => `
      CREATE TABLE meeting_signed_admissions (
        tenant_id TEXT NOT NULL,
        meeting_id TEXT NOT NULL,
        id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('invitation-list', 'lobby')),
        sequence BIGINT NOT NULL,
        signer_user_id TEXT NOT NULL,
        signer_device_id TEXT NOT NULL,
        users TEXT NOT NULL,
        co_organizers TEXT NOT NULL,
        issued_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        statement TEXT NOT NULL,
        signature TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (tenant_id, meeting_id, id),
        FOREIGN KEY (tenant_id, meeting_id) REFERENCES meetings (tenant_id, id) ON DELETE CASCADE
      );
      CREATE UNIQUE INDEX meeting_signed_lists_by_sequence
        ON meeting_signed_admissions (tenant_id, meeting_id, sequence)
        WHERE kind = 'invitation-list';
    `,
  },
  // Post-quantum E2EE (issue 13): a sensitivity label may require the X-Wing suite for its E2EE
  // meetings. (The tenant's setting lives in its e2ee JSON.) Number 15: 14 is another change's.
  {
    version: 15,
    name: 'sensitivity labels: post-quantum encryption',
    sql: () => `
      ALTER TABLE sensitivity_labels ADD COLUMN meeting_post_quantum TEXT
        CHECK (meeting_post_quantum IN ('require', 'dontRequire'));
    `,
  },
  // A 1:1 E2EE call's admission (issue 13): the statement the caller's device signed naming the
  // callee, kept as signed (base64) for the two sides to check; NULL until the caller hands it in.
  {
    version: 16,
    name: "calls: the caller's signed admission of the callee",
    sql: () => `
      ALTER TABLE calls ADD COLUMN admission_statement TEXT;
      ALTER TABLE calls ADD COLUMN admission_signature TEXT;
    `,
  },
];
