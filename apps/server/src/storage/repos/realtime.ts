// The realtime side's tables (migration 2): the MLS delivery service's state per E2EE meeting or
// call, so a restarted server resumes a meeting where it was, and the server's external-sender
// key per tenant. Nothing here is group secret: the delivery service never holds one. Byte strings
// are stored as base64 text, epochs as integers (an MLS epoch is 64-bit; a meeting never gets
// near 2^53 commits).
import type { SqlDb } from '../sql.ts';

export interface StoredGroup {
  /** base64 */
  groupId: string;
  epoch: number;
  /** The first participant reported the group created (epoch 0 exists). */
  created: boolean;
}

export interface StoredMember {
  participantId: string;
  userId: string;
  deviceId: string;
  leafIndex: number;
}

export interface StoredProposal {
  proposalId: string;
  /** Arrival order: proposals are sent, and re-proposed, in this order. */
  seq: number;
  kind: 'add' | 'remove';
  participantId: string;
  userId: string;
  deviceId: string;
  /** remove: the leaf to remove. */
  leafIndex: number | null;
  /** add: the joiner's KeyPackage (public), base64. */
  keyPackage: string | null;
  /** add: its KeyPackageRef, hex: how the Welcome names the joiner. */
  keyPackageRef: string | null;
  /** The epoch it was last signed for and sent to the members, with those bytes (base64). */
  flushedEpoch: number | null;
  message: string | null;
  /** Epochs whose commit did not cover it. */
  attempts: number;
}

export interface StoredCommit {
  epoch: number;
  /** base64 */
  message: string;
  /**
   * The server proposals the commit covers, as sent in its epoch: a member catching up must
   * process them before the commit that references them.
   */
  proposals: StoredProposalMessage[];
}

export interface StoredProposalMessage {
  proposalId: string;
  kind: 'add' | 'remove';
  participantId: string;
  /** base64 */
  message: string;
}

interface GroupRow {
  group_id: string;
  epoch: number;
  created: number;
}

interface MemberRow {
  participant_id: string;
  user_id: string;
  device_id: string;
  leaf_index: number;
}

interface ProposalRow {
  proposal_id: string;
  seq: number;
  kind: 'add' | 'remove';
  participant_id: string;
  user_id: string;
  device_id: string;
  leaf_index: number | null;
  key_package: string | null;
  key_package_ref: string | null;
  flushed_epoch: number | null;
  message: string | null;
  attempts: number;
}

const proposalColumns =
  'proposal_id, seq, kind, participant_id, user_id, device_id, leaf_index, key_package, key_package_ref, flushed_epoch, message, attempts';

export function realtimeRepo(db: SqlDb) {
  return {
    /**
     * The stored external-sender key pair of a tenant: sealed (secrets/at-rest.ts), so the row
     * holds no private key; versions before sealing wrote it as plain base64.
     */
    async externalSender(tenantId: string): Promise<string | undefined> {
      const row = await db.get<{ key_pair: string }>(
        'SELECT key_pair FROM realtime_external_senders WHERE tenant_id = ?',
        [tenantId],
      );
      return row?.key_pair;
    },
    /** Every tenant's stored key pair, for sealing and re-sealing them all (secrets/at-rest.ts). */
    async allExternalSenders(): Promise<{ tenantId: string; keyPair: string }[]> {
      const rows = await db.all<{ tenant_id: string; key_pair: string }>(
        'SELECT tenant_id, key_pair FROM realtime_external_senders ORDER BY tenant_id',
      );
      return rows.map((row) => ({ tenantId: row.tenant_id, keyPair: row.key_pair }));
    },
    /** Replaces a tenant's stored key pair if it still is `was`; false if it changed meanwhile. */
    async replaceExternalSender(tenantId: string, was: string, keyPair: string): Promise<boolean> {
      const changed = await db.run(
        'UPDATE realtime_external_senders SET key_pair = ? WHERE tenant_id = ? AND key_pair = ?',
        [keyPair, tenantId, was],
      );
      return changed === 1;
    },
    /**
     * After rewriting stored keys, leaves no old copy in the database files where this can: SQLite
     * zeroes freed space (secure_delete) and the WAL is emptied; PostgreSQL rewrites the table
     * (its WAL and backups still hold what they held: docs/operations.md).
     */
    async dropOldCopies(): Promise<void> {
      await db.exec(
        db.dialect === 'sqlite'
          ? 'PRAGMA wal_checkpoint(TRUNCATE)'
          : 'VACUUM FULL realtime_external_senders',
      );
    },
    /** Stores the first key pair of a tenant; false if another start stored one first. */
    async saveExternalSender(tenantId: string, keyPair: string, at: number): Promise<boolean> {
      const inserted = await db.run(
        'INSERT INTO realtime_external_senders (tenant_id, key_pair, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
        [tenantId, keyPair, at],
      );
      return inserted === 1;
    },

    async loadGroup(
      tenantId: string,
      meetingId: string,
    ): Promise<
      { group: StoredGroup; members: StoredMember[]; proposals: StoredProposal[] } | undefined
    > {
      const group = await db.get<GroupRow>(
        'SELECT group_id, epoch, created FROM mls_groups WHERE tenant_id = ? AND meeting_id = ?',
        [tenantId, meetingId],
      );
      if (group === undefined) return undefined;
      const members = await db.all<MemberRow>(
        'SELECT participant_id, user_id, device_id, leaf_index FROM mls_members WHERE tenant_id = ? AND meeting_id = ? ORDER BY leaf_index',
        [tenantId, meetingId],
      );
      const proposals = await db.all<ProposalRow>(
        `SELECT ${proposalColumns} FROM mls_proposals WHERE tenant_id = ? AND meeting_id = ? ORDER BY seq`,
        [tenantId, meetingId],
      );
      return {
        group: {
          groupId: group.group_id,
          epoch: Number(group.epoch),
          created: group.created === 1,
        },
        members: members.map((row) => ({
          participantId: row.participant_id,
          userId: row.user_id,
          deviceId: row.device_id,
          leafIndex: Number(row.leaf_index),
        })),
        proposals: proposals.map((row) => ({
          proposalId: row.proposal_id,
          seq: Number(row.seq),
          kind: row.kind,
          participantId: row.participant_id,
          userId: row.user_id,
          deviceId: row.device_id,
          leafIndex: row.leaf_index === null ? null : Number(row.leaf_index),
          keyPackage: row.key_package,
          keyPackageRef: row.key_package_ref,
          flushedEpoch: row.flushed_epoch === null ? null : Number(row.flushed_epoch),
          message: row.message,
          attempts: Number(row.attempts),
        })),
      };
    },
    async createGroup(
      tenantId: string,
      meetingId: string,
      group: StoredGroup,
      at: number,
    ): Promise<void> {
      await db.run(
        'INSERT INTO mls_groups (tenant_id, meeting_id, group_id, epoch, created, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        [tenantId, meetingId, group.groupId, group.epoch, group.created, at],
      );
    },
    async updateGroup(
      tenantId: string,
      meetingId: string,
      change: { epoch: number; created: boolean },
    ): Promise<void> {
      await db.run(
        'UPDATE mls_groups SET epoch = ?, created = ? WHERE tenant_id = ? AND meeting_id = ?',
        [change.epoch, change.created, tenantId, meetingId],
      );
    },
    async putMember(tenantId: string, meetingId: string, member: StoredMember): Promise<void> {
      await db.run(
        'DELETE FROM mls_members WHERE tenant_id = ? AND meeting_id = ? AND participant_id = ?',
        [tenantId, meetingId, member.participantId],
      );
      await db.run(
        'INSERT INTO mls_members (tenant_id, meeting_id, participant_id, user_id, device_id, leaf_index) VALUES (?, ?, ?, ?, ?, ?)',
        [
          tenantId,
          meetingId,
          member.participantId,
          member.userId,
          member.deviceId,
          member.leafIndex,
        ],
      );
    },
    async deleteMember(tenantId: string, meetingId: string, participantId: string): Promise<void> {
      await db.run(
        'DELETE FROM mls_members WHERE tenant_id = ? AND meeting_id = ? AND participant_id = ?',
        [tenantId, meetingId, participantId],
      );
    },
    async putProposal(tenantId: string, meetingId: string, p: StoredProposal): Promise<void> {
      await db.run(
        'DELETE FROM mls_proposals WHERE tenant_id = ? AND meeting_id = ? AND proposal_id = ?',
        [tenantId, meetingId, p.proposalId],
      );
      await db.run(
        `INSERT INTO mls_proposals (tenant_id, meeting_id, ${proposalColumns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          tenantId,
          meetingId,
          p.proposalId,
          p.seq,
          p.kind,
          p.participantId,
          p.userId,
          p.deviceId,
          p.leafIndex,
          p.keyPackage,
          p.keyPackageRef,
          p.flushedEpoch,
          p.message,
          p.attempts,
        ],
      );
    },
    async deleteProposal(tenantId: string, meetingId: string, proposalId: string): Promise<void> {
      await db.run(
        'DELETE FROM mls_proposals WHERE tenant_id = ? AND meeting_id = ? AND proposal_id = ?',
        [tenantId, meetingId, proposalId],
      );
    },
    async addCommit(
      tenantId: string,
      meetingId: string,
      commit: StoredCommit,
      at: number,
    ): Promise<void> {
      await db.run(
        'INSERT INTO mls_commits (tenant_id, meeting_id, epoch, message, proposals, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        [tenantId, meetingId, commit.epoch, commit.message, JSON.stringify(commit.proposals), at],
      );
    },
    /** The canonical commits of epochs `fromEpoch` and later, oldest first. */
    async commitsFrom(
      tenantId: string,
      meetingId: string,
      fromEpoch: number,
    ): Promise<StoredCommit[]> {
      const rows = await db.all<{ epoch: number; message: string; proposals: string }>(
        'SELECT epoch, message, proposals FROM mls_commits WHERE tenant_id = ? AND meeting_id = ? AND epoch >= ? ORDER BY epoch',
        [tenantId, meetingId, fromEpoch],
      );
      return rows.map((row) => ({
        epoch: Number(row.epoch),
        message: row.message,
        proposals: JSON.parse(row.proposals) as StoredProposalMessage[],
      }));
    },
    async pruneCommits(tenantId: string, meetingId: string, belowEpoch: number): Promise<void> {
      await db.run('DELETE FROM mls_commits WHERE tenant_id = ? AND meeting_id = ? AND epoch < ?', [
        tenantId,
        meetingId,
        belowEpoch,
      ]);
    },
    /** Forgets a meeting's group entirely (the meeting ended). */
    async deleteGroup(tenantId: string, meetingId: string): Promise<void> {
      for (const table of ['mls_commits', 'mls_proposals', 'mls_members', 'mls_groups']) {
        await db.run(`DELETE FROM ${table} WHERE tenant_id = ? AND meeting_id = ?`, [
          tenantId,
          meetingId,
        ]);
      }
    },
    /** Marks a KeyPackage used; false if it was used before (KeyPackages are single use). */
    async useKeyPackage(
      tenantId: string,
      ref: string,
      at: number,
      expiresAt: number,
    ): Promise<boolean> {
      // ON CONFLICT rather than catching the violation: in PostgreSQL a failed statement would
      // abort a surrounding transaction.
      const inserted = await db.run(
        'INSERT INTO mls_used_key_packages (tenant_id, ref, used_at, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
        [tenantId, ref, at, expiresAt],
      );
      return inserted === 1;
    },
    /** An expired KeyPackage is refused for its lifetime anyway, so its row is no longer needed. */
    async pruneUsedKeyPackages(now: number): Promise<number> {
      return db.run('DELETE FROM mls_used_key_packages WHERE expires_at < ?', [now]);
    },
  };
}

export type RealtimeRepo = ReturnType<typeof realtimeRepo>;
