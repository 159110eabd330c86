// 1:1 calls (spec §6): the call always goes ahead; the decision says whether it is E2EE and why.
// A placed call rings the callee (their sockets are told at once) until it is accepted, declined,
// cancelled or missed (../calls/); only its two sides see it or act on it.
import { randomUUID } from 'node:crypto';
import { decideCall } from '@conclave/policy';
import type { CallAction, CallSummaryView } from '@conclave/protocol';
import {
  ADMISSION_BODY_LIMIT,
  admissionSubmitSchema,
  admissionSubmittedSchema,
  callActions,
  callListQuerySchema,
  callListSchema,
  callRequestSchema,
  callResponseSchema,
  callSummaryResponseSchema,
} from '@conclave/protocol';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { actOnCall, callNow, callOf, ringMsOf, startRinging } from '../calls/call-events.ts';
import { ringingLife } from '../calls/call-life.ts';
import { ServerError, notFound } from '../errors.ts';
import { submitCallAdmission } from '../governance/call-admissions.ts';
import { loadFacts } from '../governance/facts.ts';
import { route } from '../http/route.ts';
import type { Route } from '../http/route.ts';
import { callView } from '../http/views.ts';
import type { CallRecord } from '../storage/records.ts';
import { actorOf } from '../audit/actor.ts';

const idParams = z.object({ id: z.string().min(1).max(200) });

const actionSummaries: Record<CallAction, string> = {
  accept: 'Accept a call that rings for me (the callee); the caller is told at once',
  decline: 'Decline a call that rings for me (the callee); the caller is told at once',
  cancel: 'Hang up a call I placed before it is answered (the caller); the callee stops ringing',
  end: 'Hang up: ends an accepted call (either side); while ringing it cancels or declines',
};

export function callRoutes(ctx: AppContext): Route[] {
  /** The call as `userId` sees it; the other side's name is read now, so a rename shows. */
  async function summaryFor(
    tenantId: string,
    userId: string,
    call: CallRecord,
  ): Promise<CallSummaryView> {
    const outgoing = call.caller === userId;
    const otherId = outgoing ? call.callee : call.caller;
    const other = await ctx.store.users.get(tenantId, otherId);
    return {
      ...callView(call),
      direction: outgoing ? 'outgoing' : 'incoming',
      other: { id: otherId, displayName: other?.displayName ?? otherId },
      reasons: call.decision.reasons,
    };
  }

  return [
    route({
      method: 'POST',
      url: '/api/calls',
      summary: 'Place a 1:1 call; the decision says whether it is end-to-end encrypted and why',
      access: 'user',
      status: 201,
      body: callRequestSchema,
      response: callResponseSchema,
      async handler({ session, body }) {
        const { tenantId, user } = session;
        if (body.callee === user.id) {
          throw new ServerError('INVALID_INPUT', 'You cannot call yourself.', {
            fields: [{ path: '$.callee', message: 'is the caller' }],
          });
        }
        if ((await ctx.store.users.get(tenantId, body.callee)) === undefined) {
          throw notFound('user', '$.callee');
        }
        const facts = await loadFacts(ctx.store, tenantId);
        const decision = decideCall(facts, user.id, body.callee);
        const placedAt = ctx.now();
        const call: CallRecord = {
          id: randomUUID(),
          caller: user.id,
          callee: body.callee,
          decision,
          createdAt: placedAt,
          ...ringingLife(placedAt, ringMsOf(ctx)),
          admission: null,
        };
        await ctx.store.transaction(async (tx) => {
          await tx.calls.create(tenantId, call);
          await ctx.audit.record(
            {
              tenantId,
              actor: actorOf(session.user),
              kind: 'call.placed',
              subject: `call:${call.id}`,
              details: {
                caller: call.caller,
                callee: call.callee,
                endToEndEncryption: decision.endToEndEncryption,
                reasons: decision.reasons,
              },
            },
            tx,
          );
        });
        startRinging(ctx, tenantId, call, actorOf(user));
        return { call: callView(call), decision };
      },
    }),
    route({
      method: 'GET',
      url: '/api/calls',
      summary: 'My call history, placed or received, newest first (at most `limit`, 50 by default)',
      access: 'user',
      query: callListQuerySchema,
      response: callListSchema,
      async handler({ session, query }) {
        const { tenantId, user } = session;
        const calls = await ctx.store.calls.listForUser(tenantId, user.id, { limit: query.limit });
        const summaries: CallSummaryView[] = [];
        for (const call of calls)
          summaries.push(await summaryFor(tenantId, user.id, callNow(ctx, call)));
        return { calls: summaries };
      },
    }),
    route({
      method: 'GET',
      url: '/api/calls/:id',
      summary: 'One of my calls, with the other side and why it is (not) end-to-end encrypted',
      access: 'user',
      params: idParams,
      response: callSummaryResponseSchema,
      async handler({ session, params }) {
        const { tenantId, user } = session;
        const call = await callOf(ctx, tenantId, user.id, params.id);
        return { call: await summaryFor(tenantId, user.id, call) };
      },
    }),
    route({
      method: 'POST',
      url: '/api/calls/:id/admissions',
      summary:
        "The caller's device hands in its signed admission of the callee (E2EE calls): the two sides admit no one else",
      access: 'user',
      status: 201,
      params: idParams,
      body: admissionSubmitSchema,
      bodyLimit: ADMISSION_BODY_LIMIT,
      response: admissionSubmittedSchema,
      errors: [400, 403, 409],
      async handler({ session, params, body }) {
        return submitCallAdmission(ctx, session, params.id, body.admission);
      },
    }),
    ...callActions.map((action) =>
      route({
        method: 'POST',
        url: `/api/calls/:id/${action}`,
        summary: actionSummaries[action],
        access: 'user',
        params: idParams,
        response: callSummaryResponseSchema,
        async handler({ session, params }) {
          const { tenantId, user } = session;
          const call = await actOnCall(ctx, tenantId, actorOf(user), params.id, action);
          return { call: await summaryFor(tenantId, user.id, call) };
        },
      }),
    ),
  ];
}
