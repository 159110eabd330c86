// The engine's answers for admins: what-if over a pasted scenario (spec §8), and why a user has
// the policy they have (§2).
import { explainScenario, resolveEffectivePolicy } from '@conclave/policy';
import {
  effectivePolicyResponseSchema,
  explainRequestSchema,
  explainResponseSchema,
  liveExplainRequestSchema,
  liveExplainResponseSchema,
} from '@conclave/protocol';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { ServerError, notFound } from '../../errors.ts';
import { loadFacts } from '../../governance/facts.ts';
import { liveScenario } from '../../governance/live-scenario.ts';
import { route } from '../../http/route.ts';
import type { Route } from '../../http/route.ts';

export function governanceRoutes(ctx: AppContext): Route[] {
  return [
    route({
      method: 'POST',
      url: '/api/admin/policy-explain',
      summary:
        'What-if: run a policy explain scenario (spec §8) without touching the organization; problems name JSON paths inside the scenario',
      access: 'admin',
      body: explainRequestSchema,
      response: explainResponseSchema,
      handler({ body }) {
        const result = explainScenario(body.scenario);
        if (result.kind === 'invalid') {
          throw new ServerError('INVALID_SCENARIO', 'The scenario is not valid.', {
            fields: result.problems,
          });
        }
        return Promise.resolve({ ...result.output });
      },
    }),
    route({
      method: 'POST',
      url: '/api/admin/policy-explain/live',
      summary:
        'What-if against the live organization: how one person joining one meeting (or a new one they organize) from one client is decided, and the scenario that was run',
      access: 'admin',
      body: liveExplainRequestSchema,
      response: liveExplainResponseSchema,
      async handler({ session, body }) {
        const scenario = await liveScenario(ctx.store, session.tenantId, body);
        const result = explainScenario(scenario);
        // The scenario is built from stored facts the engine already accepted one by one; if it
        // is still refused, that is the server's fault, not the admin's input.
        if (result.kind === 'invalid') throw new Error('the live scenario is not valid');
        return { scenario, output: { ...result.output } };
      },
    }),
    route({
      method: 'GET',
      url: '/api/admin/effective-policy/:userId',
      summary: "A user's effective encryption policy and where it comes from",
      access: 'admin',
      params: z.object({ userId: z.string().min(1).max(200) }),
      response: effectivePolicyResponseSchema,
      async handler({ session, params }) {
        if ((await ctx.store.users.get(session.tenantId, params.userId)) === undefined) {
          throw notFound('user');
        }
        const facts = await loadFacts(ctx.store, session.tenantId);
        const { policy, source } = resolveEffectivePolicy(facts, params.userId);
        return {
          policy: {
            name: policy.name,
            description: policy.description ?? '',
            meetingEndToEndEncryption: policy.meetingEndToEndEncryption,
            callingEndToEndEncryption: policy.callingEndToEndEncryption,
          },
          source,
        };
      },
    }),
  ];
}
