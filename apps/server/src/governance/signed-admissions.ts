// Admissions signed on an organizer's device (spec/e2ee.md "Group keys": admission is the
// organizer's, not the server's; governance.md §5). In an E2EE meeting the organizer's device signs
// the invitation list, and the organizer's or a co-organizer's device signs each lobby admission;
// the server checks a statement as a member would — the signer's registered key, this meeting, not
// expired, signed by whom may sign it — stores it as signed, and lets in only whom the stored
// statements cover (`coverageOf`, the rule members apply too). The server cannot make a statement:
// it holds no organizer's key, and members check every statement again themselves.
import { randomUUID } from 'node:crypto';
import {
  admissionCoverage,
  type AdmissionCoverage,
  type AdmissionStatement,
} from '@conclave/crypto/server';
import type { AdmissionSubmitted, SignedAdmissionWire } from '@conclave/protocol';
import type { AppContext } from '../context.ts';
import { ServerError, conflict, notFound } from '../errors.ts';
import type { Session } from '../http/route.ts';
import { iso } from '../http/views.ts';
import { realtimeOf } from '../realtime/control.ts';
import type { MeetingRecord } from '../storage/records.ts';
import type { SignedAdmissionRecord } from '../storage/repos/signed-admissions.ts';
import { recordLobbyAdmission } from './admissions.ts';
import { checkedSubmission, refused } from './submitted-statement.ts';

/** Who the stored statements let in, and who of them enter directly (the newest list's). */
export interface SignedCoverage extends AdmissionCoverage {
  /** The organizer and the newest invitation list's users and co-organizers. */
  readonly listed: ReadonlySet<string>;
}

type CoveredMeeting = Pick<MeetingRecord, 'id' | 'organizer'>;

/** The coverage of `meeting`'s stored statements that have not expired at `now`. */
export async function coverageOf(
  ctx: AppContext,
  tenantId: string,
  meeting: CoveredMeeting,
  now: number,
): Promise<SignedCoverage> {
  const records = await ctx.store.signedAdmissions.list(tenantId, meeting.id, now);
  const statements = records.map((record) => statementOf(tenantId, meeting.id, record));
  const context = { tenantId, meetingId: meeting.id, organizer: meeting.organizer, now };
  const lists = admissionCoverage(
    statements.filter((s) => s.kind === 'invitation-list'),
    context,
  );
  return { ...admissionCoverage(statements, context), listed: lists.users };
}

/** The stored statements of `meeting` members may check, newest list first. */
export async function signedStatements(
  ctx: AppContext,
  tenantId: string,
  meetingId: string,
): Promise<{ statement: string; signature: string }[]> {
  const records = await ctx.store.signedAdmissions.list(tenantId, meetingId, ctx.now());
  return records.map(({ statement, signature }) => ({ statement, signature }));
}

/**
 * The caller hands in a statement their device signed for meeting `meetingId`: checked, stored and
 * audited in one transaction. A lobby admission also records each user as let in from the lobby;
 * either kind makes waiting joins decide again.
 */
export async function submitAdmission(
  ctx: AppContext,
  session: Session,
  meetingId: string,
  wire: SignedAdmissionWire,
): Promise<AdmissionSubmitted> {
  const { tenantId, user } = session;
  const now = ctx.now();
  const meeting = await ctx.store.meetings.get(tenantId, meetingId);
  if (meeting === undefined) throw notFound('meeting');
  if (meeting.state === 'ended') throw conflict('The meeting has ended.');
  if (!meeting.decision.endToEndEncryption.enabled)
    throw refused('Signed admissions are for end-to-end encrypted meetings only.');
  const coverage = await coverageOf(ctx, tenantId, meeting, now);
  if (meeting.organizer !== user.id && !coverage.coOrganizers.has(user.id))
    throw new ServerError('FORBIDDEN', 'Only an organizer of the meeting signs its admissions.');

  const statement = await checkedSubmission(ctx, session, meeting.id, wire, now);
  if (statement.kind === 'invitation-list') {
    if (user.id !== meeting.organizer)
      throw refused('Only the organizer signs the invitation list.');
  } else if (user.id !== meeting.organizer && !coverage.coOrganizers.has(user.id)) {
    throw refused('Only the organizer or a co-organizer the invitation list names admits.');
  }

  const record: SignedAdmissionRecord = {
    id: randomUUID(),
    kind: statement.kind,
    sequence: statement.sequence,
    signerUserId: user.id,
    signerDeviceId: statement.signer.deviceId,
    users: [...statement.users],
    coOrganizers: [...statement.coOrganizers],
    issuedAt: statement.issuedAt,
    expiresAt: statement.expiresAt,
    statement: wire.statement,
    signature: wire.signature,
    createdAt: now,
  };
  await ctx.store.transaction(async (tx) => {
    if (
      statement.kind === 'invitation-list' &&
      statement.sequence <= (await tx.signedAdmissions.newestSequence(tenantId, meeting.id))
    )
      throw conflict('An invitation list with this or a higher sequence is stored already.');
    await tx.signedAdmissions.add(tenantId, meeting.id, record);
    await ctx.audit.record(
      {
        tenantId,
        actor: { id: user.id, displayName: user.displayName },
        kind: 'meeting.admission.signed',
        subject: `meeting:${meeting.id}`,
        details: { kind: statement.kind, sequence: statement.sequence, users: record.users },
      },
      tx,
    );
    if (statement.kind === 'lobby')
      for (const admitted of statement.users)
        if ((await tx.users.get(tenantId, admitted)) !== undefined)
          await recordLobbyAdmission(ctx, tx, tenantId, meeting.id, admitted, user);
  });
  realtimeOf(ctx).meetingChanged(tenantId, meeting.id);
  return {
    kind: statement.kind,
    sequence: statement.sequence,
    users: [...record.users],
    expiresAt: iso(statement.expiresAt),
  };
}

function statementOf(
  tenantId: string,
  meetingId: string,
  record: SignedAdmissionRecord,
): AdmissionStatement {
  return {
    kind: record.kind,
    tenantId,
    meetingId,
    signer: { tenantId, userId: record.signerUserId, deviceId: record.signerDeviceId },
    sequence: record.sequence,
    issuedAt: record.issuedAt,
    expiresAt: record.expiresAt,
    users: record.users,
    coOrganizers: record.coOrganizers,
  };
}
