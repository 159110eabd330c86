// What happens around a call's state changes: each change is stored compare-and-set (two answers
// racing leave one winner), audited, and told to both sides' sockets on every node
// (realtime/control.ts). The rules themselves are ./call-life.ts; who may read a call is here.
import type { CallAction, CallNotice, CallNoticeType, CallState } from '@conclave/protocol';
import type { AppContext } from '../context.ts';
import { ServerError, notFound } from '../errors.ts';
import { realtimeOf } from '../realtime/control.ts';
import type { AuditActor, CallRecord } from '../storage/records.ts';
import {
  DEFAULT_RING_MS,
  lifeAt,
  missIfUnanswered,
  stepCall,
  type CallLife,
  type CallStep,
} from './call-life.ts';

/** The notice each state after ringing is told as. */
const noticeOf: Record<Exclude<CallState, 'ringing'>, CallNoticeType> = {
  accepted: 'call-accepted',
  declined: 'call-declined',
  missed: 'call-missed',
  cancelled: 'call-cancelled',
  ended: 'call-ended',
};

export const ringMsOf = (ctx: AppContext): number => ctx.ringTimers?.ringMs ?? DEFAULT_RING_MS;

/** The call as it stands now: a call still ringing past its deadline reads as missed. */
export function callNow(ctx: AppContext, call: CallRecord): CallRecord {
  return { ...call, ...lifeAt(call, ctx.now()) };
}

/**
 * One of `userId`'s calls, as it stands now. Someone else's call reads exactly like an unknown id,
 * in another tenant or not: nobody learns that a call exists between two other people.
 */
export async function callOf(
  ctx: AppContext,
  tenantId: string,
  userId: string,
  callId: string,
): Promise<CallRecord> {
  const call = await ctx.store.calls.get(tenantId, callId);
  if (call === undefined || (call.caller !== userId && call.callee !== userId)) {
    throw notFound('call');
  }
  return callNow(ctx, call);
}

/** A call was placed: the callee's sockets ring at once, and the missed-call timer starts. */
export function startRinging(
  ctx: AppContext,
  tenantId: string,
  call: CallRecord,
  caller: AuditActor,
): void {
  realtimeOf(ctx).notifyUser(tenantId, call.callee, {
    type: 'call-ringing',
    callId: call.id,
    caller: { id: caller.id, displayName: caller.displayName },
    endToEndEncryption: { enabled: call.decision.endToEndEncryption.enabled },
    reasons: call.decision.reasons.map(({ code, severity, message }) => ({
      code,
      severity,
      message,
    })),
    ringDeadline: new Date(call.ringDeadline).toISOString(),
  });
  ctx.ringTimers?.start(timerKey(tenantId, call.id), call.ringDeadline - ctx.now(), () =>
    markMissed(ctx, tenantId, call.id).catch(() =>
      ctx.log.error('calls: marking a call missed failed'),
    ),
  );
}

/** `actor`, one side of the call, asks for `action`; returns the call after it. */
export async function actOnCall(
  ctx: AppContext,
  tenantId: string,
  actor: AuditActor,
  callId: string,
  action: CallAction,
): Promise<CallRecord> {
  const stored = await ctx.store.calls.get(tenantId, callId);
  if (stored === undefined || (stored.caller !== actor.id && stored.callee !== actor.id)) {
    throw notFound('call');
  }
  const side = stored.caller === actor.id ? 'caller' : 'callee';
  const step = stepCall(stored, side, action, ctx.now());
  return settle(ctx, tenantId, stored, step, actor);
}

/** The ring deadline passed (the timer is the prompt; the stored deadline is the rule). */
async function markMissed(ctx: AppContext, tenantId: string, callId: string): Promise<void> {
  const stored = await ctx.store.calls.get(tenantId, callId);
  if (stored === undefined) return;
  // The timer firing is itself the news that the deadline passed, even on a clock a test pinned.
  const step = missIfUnanswered(stored, Math.max(ctx.now(), stored.ringDeadline));
  if (step.kind === 'moved') await settle(ctx, tenantId, stored, step, null).catch(ignoreRefusal);
}

async function settle(
  ctx: AppContext,
  tenantId: string,
  stored: CallRecord,
  step: CallStep,
  actor: AuditActor | null,
): Promise<CallRecord> {
  if (step.kind === 'refused') throw refusal(step.reason, step.message);
  const life: CallLife = step.life;
  const after: CallRecord = { ...stored, ...life };
  const won = await ctx.store.transaction(async (tx) => {
    if (!(await tx.calls.move(tenantId, stored.id, stored.state, after))) return false;
    await ctx.audit.record(
      {
        tenantId,
        actor,
        kind: `call.${life.state}`,
        subject: `call:${stored.id}`,
        details: { caller: stored.caller, callee: stored.callee, from: stored.state },
      },
      tx,
    );
    return true;
  });
  if (!won) {
    // Another answer got there first (accept against cancel, or the missed-call timer).
    const now = await ctx.store.calls.get(tenantId, stored.id);
    throw refusal('wrong-state', `The call changed meanwhile: it is ${now?.state ?? 'gone'} now.`);
  }
  if (life.state !== 'ringing') {
    ctx.ringTimers?.cancel(timerKey(tenantId, stored.id));
    const notice = { type: noticeOf[life.state], callId: stored.id } as CallNotice;
    for (const userId of [stored.caller, stored.callee])
      realtimeOf(ctx).notifyUser(tenantId, userId, notice);
  }
  return after;
}

function refusal(reason: 'wrong-side' | 'wrong-state', message: string): ServerError {
  return new ServerError(reason === 'wrong-side' ? 'FORBIDDEN' : 'CONFLICT', message);
}

const ignoreRefusal = (error: unknown) => {
  if (!(error instanceof ServerError)) throw error;
};

const timerKey = (tenantId: string, callId: string) => `${tenantId}/${callId}`;
