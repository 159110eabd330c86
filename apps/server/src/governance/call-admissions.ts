// A 1:1 E2EE call's admission (docs/e2ee-profile.md "Who may enter"): the caller's device signs an
// invitation list naming the callee — the meeting statement, with the caller in the organizer's
// place — and the two sides admit no one else, whatever the server says the call's sides are. The
// server checks it as a member would, keeps the one statement on the call, serves it with the
// call's admission list, and lets the callee's devices in once it is there (until then they wait).
import { admissionCoverage, decodeAdmission } from '@conclave/crypto/server';
import type { AdmissionSubmitted, SignedAdmissionWire } from '@conclave/protocol';
import { callOf } from '../calls/call-events.ts';
import { isOver } from '../calls/call-life.ts';
import type { AppContext } from '../context.ts';
import { ServerError, conflict } from '../errors.ts';
import type { Session } from '../http/route.ts';
import { iso } from '../http/views.ts';
import { fromBase64 } from '../realtime/bytes.ts';
import { realtimeOf } from '../realtime/control.ts';
import type { CallRecord } from '../storage/records.ts';
import { checkedSubmission, refused } from './submitted-statement.ts';

/** The caller hands in the statement their device signed for call `callId`: checked, kept, audited. */
export async function submitCallAdmission(
  ctx: AppContext,
  session: Session,
  callId: string,
  wire: SignedAdmissionWire,
): Promise<AdmissionSubmitted> {
  const { tenantId, user } = session;
  const now = ctx.now();
  const call = await callOf(ctx, tenantId, user.id, callId);
  if (isOver(call.state)) throw conflict('The call is over.');
  if (!call.decision.endToEndEncryption.enabled)
    throw refused('Signed admissions are for end-to-end encrypted calls only.');
  if (call.caller !== user.id)
    throw new ServerError('FORBIDDEN', "Only the caller's device signs who may join the call.");
  const statement = await checkedSubmission(ctx, session, call.id, wire, now);
  const namesTheCallee =
    statement.kind === 'invitation-list' &&
    statement.coOrganizers.length === 0 &&
    statement.users.length === 1 &&
    statement.users[0] === call.callee;
  if (!namesTheCallee) throw refused("A call's admission names its callee and no one else.");

  await ctx.store.transaction(async (tx) => {
    const kept = await tx.calls.setAdmission(tenantId, call.id, {
      statement: wire.statement,
      signature: wire.signature,
    });
    if (!kept) throw conflict('The call has its signed admission already.');
    await ctx.audit.record(
      {
        tenantId,
        actor: { id: user.id, displayName: user.displayName },
        kind: 'call.admission.signed',
        subject: `call:${call.id}`,
        details: { users: [...statement.users] },
      },
      tx,
    );
  });
  // The callee's joins waiting for it are made again, on every node.
  realtimeOf(ctx).meetingChanged(tenantId, call.id);
  return {
    kind: statement.kind,
    sequence: statement.sequence,
    users: [...statement.users],
    expiresAt: iso(statement.expiresAt),
  };
}

/**
 * Whether the call's stored admission lets `userId` in at `now` (its caller always): the rule the
 * two sides apply to each other (`admissionCoverage`, the caller as organizer).
 */
export function callAdmits(
  tenantId: string,
  call: Pick<CallRecord, 'id' | 'caller' | 'admission'>,
  userId: string,
  now: number,
): boolean {
  if (userId === call.caller) return true;
  const bytes = call.admission === null ? undefined : fromBase64(call.admission.statement);
  if (bytes === undefined) return false;
  // Checked when it was handed in; decoded again here only to read who it names and until when.
  const statement = decodeAdmission(bytes);
  const context = { tenantId, meetingId: call.id, organizer: call.caller, now };
  return admissionCoverage([statement], context).users.has(userId);
}
