// The organization's rules changed (an admin changed a user, a group, a policy, an assignment or
// the tenant's E2EE settings): everyone in the tenant's live E2EE meetings and calls is checked
// against governance §5 again, as at join but without the head count — lowering the cap does not
// push out who is already in. Whoever the rules no longer admit (now under compliance recording,
// their client no longer allowed) is removed as `not-admitted` with the reasons, and audited.
import { decideJoin } from '@conclave/policy';
import type { AppContext } from '../context.ts';
import { loadFacts } from '../governance/facts.ts';
import type { AuditActor } from '../storage/records.ts';
import type { Rooms } from './rooms.ts';

/** Returns how many participants were removed. */
export async function recheckTenant(
  ctx: AppContext,
  rooms: Rooms,
  tenantId: string,
  actor: AuditActor | null,
): Promise<number> {
  const e2ee = rooms.inTenant(tenantId).filter((room) => room.target.endToEndEncryption);
  if (e2ee.length === 0) return 0;
  const facts = await loadFacts(ctx.store, tenantId);
  let removed = 0;
  for (const room of e2ee) {
    for (const entry of room.roster()) {
      const decision = decideJoin(
        facts,
        { endToEndEncryption: true },
        entry.userId,
        entry.client,
        0,
      );
      const reasons = decision.reasons.filter((reason) => reason.code !== 'MEETING_FULL');
      if (decision.outcome !== 'blocked' || reasons.length === 0) continue;
      if (!room.remove(entry.participantId, 'not-admitted', reasons)) continue;
      removed++;
      await ctx.audit.record({
        tenantId,
        actor,
        kind: 'meeting.participant.removed',
        subject: `${room.target.kind}:${room.target.meetingId}`,
        details: {
          participantId: entry.participantId,
          user: { id: entry.userId, displayName: entry.displayName },
          device: entry.deviceId,
          reason: 'not-admitted',
          codes: reasons.map((reason) => reason.code),
        },
      });
    }
  }
  return removed;
}
