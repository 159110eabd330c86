// Single sign-on through the organization's OpenID provider (identity/sso/): the sign-in page asks
// whether an email signs in that way, the browser is sent to the provider and comes back to the
// callback, which signs the person in (creating them at their first sign-in). Admins set the
// provider up per tenant; the client secret is sealed at rest and never shown again.
import {
  okSchema,
  ssoLookupResponseSchema,
  ssoPutSchema,
  ssoResponseSchema,
  userSchema,
  type SsoSettingsView,
} from '@conclave/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../audit/actor.ts';
import type { AppContext } from '../context.ts';
import { ServerError, notFound } from '../errors.ts';
import { route } from '../http/route.ts';
import type { Route } from '../http/route.ts';
import { iso, userView } from '../http/views.ts';
import { handoffUrl, redeem } from '../identity/sso/cli-handoff.ts';
import { accountFor } from '../identity/sso/accounts.ts';
import { SsoFailure } from '../identity/sso/failure.ts';
import { FLOW_TTL_MS, finishSignIn, startSignIn } from '../identity/sso/flow.ts';
import { discoverOnce } from '../identity/sso/provider.ts';
import { realtimeOf } from '../realtime/control.ts';
import type { SsoSettingsRecord } from '../storage/repos/sso.ts';
import { openSession } from './auth.ts';

const FLOW_COOKIE = 'conclave_sso';
const CALLBACK_PATH = '/api/auth/sso/callback';

const emailQuery = z.object({
  email: z.email().max(320),
  /** A path of this site to go to afterwards (URL-encoded, so printable ASCII). */
  next: z
    .string()
    .max(2000)
    .regex(/^[\x21-\x7e]*$/, 'a path of this site')
    .optional(),
});

/** `start` for the CLI: the loopback port it listens on and the S256 challenge of its verifier. */
const startQuery = emailQuery.extend({
  cli_port: z.coerce.number().int().min(1024).max(65535).optional(),
  cli_challenge: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/, 'base64url SHA-256')
    .optional(),
});

const cliTokenBody = z.strictObject({
  code: z.string().min(1).max(4000),
  verifier: z.string().min(43).max(128),
});

const cliTokenResponse = z.object({
  token: z.string(),
  expiresAt: z.string(),
  user: userSchema,
});

const domainOf = (email: string) => email.slice(email.lastIndexOf('@') + 1).toLowerCase();

/** This server's own address as the browser reaches it (X-Forwarded-* only from a trusted proxy). */
function callbackUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}${CALLBACK_PATH}`;
}

function settingsView(settings: SsoSettingsRecord, redirectUri: string): SsoSettingsView {
  return {
    issuer: settings.issuer,
    clientId: settings.clientId,
    hasClientSecret: settings.clientSecretSealed !== '',
    domains: [...settings.domains],
    emailClaim: settings.emailClaim,
    nameClaim: settings.nameClaim,
    groupsClaim: settings.groupsClaim,
    passwordSignIn: settings.passwordSignIn,
    newUsersPremium: settings.newUsersPremium,
    redirectUri,
    updatedAt: iso(settings.updatedAt),
  };
}

/** Back to the sign-in page with a code it explains (never the provider's own words). */
function toSignInPage(reply: FastifyReply, code: string): FastifyReply {
  return reply.redirect(`/?sso_error=${encodeURIComponent(code)}`, 303);
}

/**
 * Signed in: the session cookie is SameSite=Strict, and a browser arriving from the provider's
 * site would not send it on a redirect, so a page of this site moves on to `next` itself.
 */
function continueTo(reply: FastifyReply, next: string): FastifyReply {
  const target = JSON.stringify(next).slice(1, -1).replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  return reply
    .code(200)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(
      `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${target}"><title>Signed in</title><p>Signed in. <a href="${target}">Continue</a></p>`,
    );
}

export function ssoRoutes(ctx: AppContext): Route[] {
  const { store, audit } = ctx;

  return [
    route({
      method: 'GET',
      url: '/api/auth/sso',
      summary:
        'Whether an email signs in through its organization’s identity provider, and where to start',
      access: 'public',
      query: emailQuery,
      response: ssoLookupResponseSchema,
      async handler({ query }) {
        const settings = await store.sso.byDomain(domainOf(query.email));
        if (settings === undefined) return { sso: false, passwordSignIn: true };
        const start = new URLSearchParams({ email: query.email });
        if (query.next !== undefined) start.set('next', query.next);
        return {
          sso: true,
          startUrl: `/api/auth/sso/start?${start.toString()}`,
          passwordSignIn: settings.passwordSignIn,
        };
      },
    }),
    route({
      method: 'GET',
      url: '/api/auth/sso/start',
      summary:
        'Start single sign-on for an email: redirects to the provider (authorization code, PKCE, state, nonce)',
      access: 'public',
      query: startQuery,
      response: z.unknown(),
      async handler({ query, request, reply }) {
        const settings = await store.sso.byDomain(domainOf(query.email));
        if (settings === undefined) return toSignInPage(reply, 'not_configured');
        const { cli_port: port, cli_challenge: challenge } = query;
        if ((port === undefined) !== (challenge === undefined))
          throw new ServerError('INVALID_INPUT', 'cli_port and cli_challenge go together.');
        const cli = port === undefined || challenge === undefined ? undefined : { port, challenge };
        const started = await startSignIn(ctx, settings, callbackUrl(request), query.next, cli);
        void reply.setCookie(FLOW_COOKIE, started.sealedFlow, {
          httpOnly: true,
          // Sent on the provider's top-level redirect back to the callback, not on cross-site posts.
          sameSite: 'lax',
          secure: request.protocol === 'https',
          path: CALLBACK_PATH,
          maxAge: FLOW_TTL_MS / 1000,
        });
        return reply.redirect(started.authorizationUrl, 302);
      },
    }),
    route({
      method: 'GET',
      url: CALLBACK_PATH,
      summary:
        'Where the provider sends the browser back: validates the ID token, signs the person in (created at first sign-in, groups from the claim)',
      access: 'public',
      response: z.unknown(),
      async handler({ request, reply }) {
        void reply.clearCookie(FLOW_COOKIE, { path: CALLBACK_PATH });
        try {
          const here = new URL(request.url, callbackUrl(request));
          const finished = await finishSignIn(ctx, request.cookies[FLOW_COOKIE], here);
          const account = await accountFor(ctx, finished.settings, finished.claims);
          if (finished.cli === undefined) await openSession(ctx, request, reply, account.user);
          await audit.record({
            tenantId: account.user.tenantId,
            actor: actorOf(account.user),
            kind: 'auth.sso.signed-in',
            subject: `user:${account.user.id}`,
            details: { created: account.created, groups: account.groups },
          });
          // Different groups may mean a different encryption policy for their live meetings.
          if (account.groups.added.length + account.groups.removed.length > 0)
            await realtimeOf(ctx).rulesChanged(account.user.tenantId, actorOf(account.user));
          // For the CLI: no browser session; its loopback port gets a one-time code.
          if (finished.cli !== undefined)
            return reply.redirect(handoffUrl(ctx, finished.cli, account.user), 303);
          return continueTo(reply, finished.next);
        } catch (error) {
          if (error instanceof SsoFailure) return toSignInPage(reply, error.code);
          throw error;
        }
      },
    }),
    route({
      method: 'POST',
      url: '/api/auth/sso/cli-token',
      summary:
        'The CLI redeems the one-time code its loopback port received, with its PKCE verifier, for a session token',
      access: 'public',
      body: cliTokenBody,
      response: cliTokenResponse,
      async handler({ body, request, reply }) {
        const who = await redeem(ctx, body.code, body.verifier);
        const user = who && (await store.users.get(who.tenantId, who.userId));
        if (user === undefined)
          throw new ServerError(
            'INVALID_CREDENTIALS',
            'The sign-in code is not valid (expired, used, or not this sign-in): run `conclave sign-in --sso` again.',
          );
        const { token, expiresAt } = await openSession(ctx, request, reply, user);
        return { token, expiresAt: iso(expiresAt), user: userView(user) };
      },
    }),
    route({
      method: 'GET',
      url: '/api/admin/sso',
      summary: 'The organization’s single sign-on settings (the client secret is never shown)',
      access: 'admin',
      response: ssoResponseSchema,
      async handler({ session, request }) {
        const settings = await store.sso.get(session.tenantId);
        return {
          sso: settings === undefined ? null : settingsView(settings, callbackUrl(request)),
        };
      },
    }),
    route({
      method: 'PUT',
      url: '/api/admin/sso',
      summary:
        'Set up single sign-on: provider (checked by discovery), client, email domains, claims, password sign-in on or off',
      access: 'admin',
      body: ssoPutSchema,
      response: ssoResponseSchema,
      errors: [409],
      async handler({ session, body, request }) {
        const { tenantId } = session;
        const before = await store.sso.get(tenantId);
        if (body.clientSecret === undefined && before === undefined)
          throw new ServerError('INVALID_INPUT', 'The client secret is required the first time.', {
            fields: [{ path: '$.clientSecret', message: 'required' }],
          });
        const domains = [...new Set(body.domains)];
        const taken = await store.sso.domainsTakenElsewhere(tenantId, domains);
        if (taken.length > 0)
          throw new ServerError(
            'CONFLICT',
            `Another organization on this server already signs in with ${taken.join(', ')}.`,
          );
        await discoverOnce(body.issuer);
        const settings: SsoSettingsRecord = {
          tenantId,
          issuer: body.issuer.replace(/\/$/, ''),
          clientId: body.clientId,
          clientSecretSealed:
            body.clientSecret === undefined
              ? (before?.clientSecretSealed ?? '')
              : ctx.externalSenderVault.sealSsoSecret(tenantId, body.clientSecret),
          emailClaim: body.emailClaim,
          nameClaim: body.nameClaim,
          groupsClaim: body.groupsClaim,
          passwordSignIn: body.passwordSignIn,
          newUsersPremium: body.newUsersPremium,
          domains,
          updatedAt: ctx.now(),
        };
        await store.transaction(async (tx) => {
          await tx.sso.put(settings);
          await audit.record(
            {
              tenantId,
              actor: actorOf(session.user),
              kind: before === undefined ? 'sso.created' : 'sso.changed',
              subject: `tenant:${tenantId}`,
              details: {
                issuer: settings.issuer,
                clientId: settings.clientId,
                clientSecretChanged: body.clientSecret !== undefined,
                domains,
                groupsClaim: settings.groupsClaim,
                passwordSignIn: settings.passwordSignIn,
              },
            },
            tx,
          );
        });
        return { sso: settingsView(settings, callbackUrl(request)) };
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/admin/sso',
      summary: 'Turn single sign-on off: password sign-in is back for everyone',
      access: 'admin',
      response: okSchema,
      async handler({ session }) {
        const { tenantId } = session;
        const removed = await store.transaction(async (tx) => {
          const gone = await tx.sso.delete(tenantId);
          if (gone)
            await audit.record(
              {
                tenantId,
                actor: actorOf(session.user),
                kind: 'sso.deleted',
                subject: `tenant:${tenantId}`,
              },
              tx,
            );
          return gone;
        });
        if (!removed) throw notFound('single sign-on setting');
        return { ok: true as const };
      },
    }),
  ];
}
