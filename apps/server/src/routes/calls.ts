// 1:1 calls (spec §6): the call always goes ahead; the decision says whether it is E2EE and why.
import { randomUUID } from 'node:crypto';
import { decideCall } from '@conclave/policy';
import type { CallSummaryView } from '@conclave/protocol';
import {
  callListSchema,
  callRequestSchema,
  callResponseSchema,
  callSummaryResponseSchema,
} from '@conclave/protocol';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { ServerError, notFound } from '../errors.ts';
import { loadFacts } from '../governance/facts.ts';
import { route } from '../http/route.ts';
import type { Route } from '../http/route.ts';
import { callView } from '../http/views.ts';
import type { CallRecord } from '../storage/records.ts';
import { actorOf } from '../audit/actor.ts';

/** "Recent": the list is for answering and rejoining, not a call history. */
const RECENT_MS = 24 * 60 * 60_000;
const RECENT_LIMIT = 20;

const idParams = z.object({ id: z.string().min(1).max(200) });

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
        const call: CallRecord = {
          id: randomUUID(),
          caller: user.id,
          callee: body.callee,
          decision,
          createdAt: ctx.now(),
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
        return { call: callView(call), decision };
      },
    }),
    route({
      method: 'GET',
      url: '/api/calls',
      summary: 'My calls of the last 24 hours, placed or received, newest first (at most 20)',
      access: 'user',
      response: callListSchema,
      async handler({ session }) {
        const { tenantId, user } = session;
        const calls = await ctx.store.calls.listForUser(tenantId, user.id, {
          since: ctx.now() - RECENT_MS,
          limit: RECENT_LIMIT,
        });
        const summaries: CallSummaryView[] = [];
        for (const call of calls) summaries.push(await summaryFor(tenantId, user.id, call));
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
        const call = await ctx.store.calls.get(tenantId, params.id);
        // Someone else's call reads exactly like an unknown id.
        if (call === undefined || (call.caller !== user.id && call.callee !== user.id)) {
          throw notFound('call');
        }
        return { call: await summaryFor(tenantId, user.id, call) };
      },
    }),
  ];
}
