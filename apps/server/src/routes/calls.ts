// 1:1 calls (spec §6): the call always goes ahead; the decision says whether it is E2EE and why.
import { randomUUID } from 'node:crypto';
import { decideCall } from '@conclave/policy';
import { callRequestSchema, callResponseSchema } from '@conclave/protocol';
import type { AppContext } from '../context.ts';
import { ServerError, notFound } from '../errors.ts';
import { loadFacts } from '../governance/facts.ts';
import { route } from '../http/route.ts';
import type { Route } from '../http/route.ts';
import { callView } from '../http/views.ts';
import type { CallRecord } from '../storage/records.ts';
import { actorOf } from './actor.ts';

export function callRoutes(ctx: AppContext): Route[] {
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
              actor: actorOf(session),
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
  ];
}
