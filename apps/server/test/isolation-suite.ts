// Who may do what: every admin route refuses non-admins (403) and anonymous callers (401), and no
// route reads or changes another tenant's object by id (404, the same answer as a missing id).
// The route list comes from /openapi.json, so a new route is covered or this suite fails.
import {
  auditListSchema,
  directorySchema,
  encryptionPolicyResponseSchema,
  groupResponseSchema,
  groupListSchema,
  meetingResponseSchema,
  templateResponseSchema,
  userListSchema,
  userResponseSchema,
  compliancePolicyResponseSchema,
  labelResponseSchema,
  assignmentListSchema,
  callResponseSchema,
  callSummaryResponseSchema,
  meResponseSchema,
  signInResponseSchema,
} from '@conclave/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapAdmin } from '../src/index.ts';
import type { TestDatabase } from './support/databases.ts';
import { fastPasswords } from './support/databases.ts';
import { client, fails, ok, signIn } from './support/http.ts';
import type { Session } from './support/http.ts';
import { startOrg } from './support/org.ts';
import type { Org } from './support/org.ts';

interface Operation {
  method: string;
  path: string;
}

async function operations(baseUrl: string): Promise<Operation[]> {
  const document = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as {
    paths: Record<string, Record<string, unknown>>;
  };
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })),
  );
}

const fill = (path: string, values: Record<string, string>) =>
  path.replace(/\{(\w+)\}/g, (_match, name: string) =>
    encodeURIComponent(values[name] ?? 'unknown'),
  );

export function defineIsolationSuite(name: string, database: () => TestDatabase): void {
  describe(`access control and tenant isolation on ${name}`, () => {
    let org: Org;
    let routes: Operation[];
    let other: Session;
    let otherUser: string;
    let meetingOfA: string;
    let callOfA: string;

    beforeAll(async () => {
      org = await startOrg(database(), 'iso');
      routes = await operations(org.server.url);
      const credentials = await bootstrapAdmin({
        ...org.database.location,
        email: 'admin@other.example',
        tenant: 'Other organization',
        passwordCost: fastPasswords,
      });
      other = await signIn(org.server.url, credentials.email, credentials.password);
      otherUser = ok(
        await other.call('POST', '/api/admin/users', {
          email: 'user@other.example',
          displayName: 'Other user',
        }),
        userResponseSchema,
        201,
      ).user.id;
      meetingOfA = ok(
        await org.users.erin.call('POST', '/api/meetings', {
          subject: 'A only',
          template: 'sensitive',
        }),
        meetingResponseSchema,
        201,
      ).meeting.id;
      callOfA = ok(
        await org.users.erin.call('POST', '/api/calls', { callee: org.users.dave.userId }),
        callResponseSchema,
        201,
      ).call.id;
    });
    afterAll(async () => {
      await org?.close();
    });

    it('answers 403 to a signed-in non-admin on every admin route', async () => {
      const admin = routes.filter((r) => r.path.startsWith('/api/admin/'));
      expect(admin.length).toBeGreaterThan(30);
      for (const route of admin) {
        const reply = await org.users.bob.call(route.method, fill(route.path, {}));
        fails(reply, 403, 'FORBIDDEN');
      }
    });

    it('answers 401 to an anonymous caller on every route but health, docs, sign-in/out and single sign-on', async () => {
      const anonymous = client(org.server.url);
      // Liveness and readiness are for load balancers: they tell nothing about any tenant.
      // Single sign-on begins before anyone is signed in: its lookup, start and callback are open.
      const open = new Set([
        '/healthz',
        '/readyz',
        '/api/auth/sign-in',
        '/api/auth/sign-out',
        '/api/auth/sso',
        '/api/auth/sso/start',
        '/api/auth/sso/callback',
        '/api/auth/sso/cli-token',
      ]);
      for (const route of routes.filter((r) => !open.has(r.path))) {
        fails(await anonymous(route.method, fill(route.path, {})), 401, 'UNAUTHENTICATED');
      }
      const forged = client(org.server.url, 'A'.repeat(43));
      fails(await forged('GET', '/api/me'), 401, 'UNAUTHENTICATED');
    });

    it("answers 404 to another tenant's admin on every route that takes an id, and changes nothing", async () => {
      const alice = org.users.alice.userId;
      const targets: Record<string, Record<string, string>> = {
        '/api/admin/encryption-policies/{name}': { name: 'NoE2EE' },
        '/api/admin/encryption-policy-assignments/{id}': { id: org.assignments.financeNoE2ee },
        '/api/admin/compliance-recording-policies/{name}': { name: 'LegalRecording' },
        '/api/admin/compliance-recording-assignments/{id}': { id: org.assignments.legalRecording },
        '/api/admin/templates/{id}': { id: 'sensitive' },
        '/api/admin/labels/{id}': { id: 'highly-confidential' },
        '/api/admin/users/{id}': { id: alice },
        '/api/admin/users/{id}/unlock': { id: alice },
        '/api/admin/users/{id}/disable': { id: alice },
        '/api/admin/users/{id}/enable': { id: alice },
        '/api/admin/groups/{id}': { id: 'finance' },
        '/api/admin/groups/{id}/members': { id: 'finance' },
        '/api/admin/groups/{id}/members/{userId}': { id: 'finance', userId: alice },
        '/api/admin/effective-policy/{userId}': { userId: alice },
        '/api/meetings/{id}': { id: meetingOfA },
        '/api/meetings/{id}/options': { id: meetingOfA },
        '/api/meetings/{id}/start': { id: meetingOfA },
        '/api/meetings/{id}/end': { id: meetingOfA },
        '/api/meetings/{id}/participants': { id: meetingOfA },
        '/api/meetings/{id}/participants/{participantId}/remove': {
          id: meetingOfA,
          participantId: 'someone',
        },
        '/api/meetings/{id}/lobby': { id: meetingOfA },
        '/api/meetings/{id}/admissions': { id: meetingOfA },
        '/api/meetings/{id}/lobby/{userId}/admit': { id: meetingOfA, userId: alice },
        '/api/meetings/{id}/lobby/{userId}/deny': { id: meetingOfA, userId: alice },
        '/api/meetings/{id}/invitees': { id: meetingOfA },
        '/api/meetings/{id}/invitees/{userId}': { id: meetingOfA, userId: alice },
        '/api/meetings/{id}/invitation.ics': { id: meetingOfA },
        '/api/calls/{id}': { id: callOfA },
        '/api/calls/{id}/accept': { id: callOfA },
        '/api/calls/{id}/decline': { id: callOfA },
        '/api/calls/{id}/cancel': { id: callOfA },
        '/api/calls/{id}/end': { id: callOfA },
        '/api/calls/{id}/admissions': { id: callOfA },
        '/api/directory/admissions/{id}': { id: meetingOfA },
      };
      // Valid bodies, so that only the id can be the reason for refusing.
      const bodies: Record<string, unknown> = {
        'PATCH /api/admin/encryption-policies/{name}': {
          meetingEndToEndEncryption: 'DisabledUserOverride',
        },
        'PATCH /api/admin/compliance-recording-policies/{name}': { enabled: false },
        'PUT /api/admin/templates/{id}': { name: 'Hijacked', options: {} },
        'PUT /api/admin/labels/{id}': { name: 'Hijacked', meeting: {} },
        'PATCH /api/admin/users/{id}': { premium: false, role: 'admin' },
        'PATCH /api/admin/groups/{id}': { name: 'Hijacked', members: [] },
        'POST /api/admin/groups/{id}/members': { userId: otherUser },
        'PATCH /api/meetings/{id}/options': { options: { liveCaptions: true } },
        'POST /api/meetings/{id}/invitees': { userIds: [otherUser] },
        'POST /api/meetings/{id}/admissions': {
          admission: { statement: 'Q0EB', signature: 'c2ln' },
        },
        'POST /api/calls/{id}/admissions': {
          admission: { statement: 'Q0EB', signature: 'c2ln' },
        },
      };
      const byId = routes.filter((r) => r.path.includes('{'));
      expect([...new Set(byId.map((r) => r.path))].sort()).toEqual(Object.keys(targets).sort());
      for (const route of byId) {
        const reply = await other.call(
          route.method,
          fill(route.path, targets[route.path] ?? {}),
          bodies[`${route.method} ${route.path}`],
        );
        expect(reply.status, `${route.method} ${route.path}: ${reply.text}`).toBe(404);
        fails(reply, 404, 'NOT_FOUND');
      }

      const admin = org.admin.call;
      expect(
        ok(
          await admin('GET', '/api/admin/encryption-policies/NoE2EE'),
          encryptionPolicyResponseSchema,
        ).policy.meetingEndToEndEncryption,
      ).toBe('Disabled');
      expect(
        ok(
          await admin('GET', '/api/admin/compliance-recording-policies/LegalRecording'),
          compliancePolicyResponseSchema,
        ).policy.enabled,
      ).toBe(true);
      expect(
        ok(await admin('GET', '/api/admin/templates/sensitive'), templateResponseSchema).template
          .name,
      ).toBe('Sensitive');
      expect(
        ok(await admin('GET', '/api/admin/labels/highly-confidential'), labelResponseSchema).label
          .name,
      ).toBe('Highly confidential');
      expect(
        ok(await admin('GET', `/api/admin/users/${alice}`), userResponseSchema).user,
      ).toMatchObject({ premium: true, role: 'user' });
      expect(
        ok(await admin('GET', '/api/admin/groups/finance'), groupResponseSchema).group,
      ).toMatchObject({ name: 'Finance', members: [alice] });
      expect(
        ok(
          await admin('GET', '/api/admin/encryption-policy-assignments'),
          assignmentListSchema,
        ).assignments.map((a) => a.id),
      ).toContain(org.assignments.financeNoE2ee);
      expect(
        ok(await org.users.erin.call('GET', `/api/meetings/${meetingOfA}`), meetingResponseSchema)
          .meeting.state,
      ).toBe('scheduled');
      // Nothing the other tenant tried answered or hung up the call (on a slow machine it may have
      // rung out meanwhile: missed, which nobody did).
      expect(['ringing', 'missed']).toContain(
        ok(await org.users.erin.call('GET', `/api/calls/${callOfA}`), callSummaryResponseSchema)
          .call.state,
      );
    });

    it("refuses references to another tenant's users, templates and labels inside request bodies", async () => {
      const alice = org.users.alice.userId;
      fails(
        await other.call('POST', '/api/admin/encryption-policy-assignments', {
          policy: 'Global',
          user: alice,
        }),
        404,
        'NOT_FOUND',
      );
      fails(
        await other.call('POST', '/api/admin/groups', { name: 'Mixed', members: [alice] }),
        404,
        'NOT_FOUND',
      );
      ok(
        await other.call('POST', '/api/admin/groups', { id: 'own', name: 'Own' }),
        groupResponseSchema,
        201,
      );
      fails(
        await other.call('POST', '/api/admin/groups/own/members', { userId: alice }),
        404,
        'NOT_FOUND',
      );
      fails(
        await other.call('POST', '/api/meetings', { subject: 'x', template: 'sensitive' }),
        404,
        'NOT_FOUND',
      );
      fails(
        await other.call('POST', '/api/meetings', { subject: 'x', label: 'highly-confidential' }),
        404,
        'NOT_FOUND',
      );
      fails(
        await other.call('POST', '/api/meetings', { subject: 'x', invitees: [alice] }),
        404,
        'NOT_FOUND',
      );
      fails(await other.call('POST', '/api/calls', { callee: alice }), 404, 'NOT_FOUND');
    });

    it("lists only the caller's own tenant", async () => {
      const aIds = Object.values(org.users).map((u) => u.userId);
      const users = ok(await other.call('GET', '/api/admin/users'), userListSchema).users;
      expect(users.map((u) => u.email).sort()).toEqual([
        'admin@other.example',
        'user@other.example',
      ]);
      const groups = ok(await other.call('GET', '/api/admin/groups'), groupListSchema).groups;
      expect(groups.map((g) => g.id)).toEqual(['own']);
      const directory = ok(await other.call('GET', '/api/directory/users'), directorySchema).users;
      expect(directory.some((u) => aIds.includes(u.id))).toBe(false);
      const audit = JSON.stringify(
        ok(await other.call('GET', '/api/admin/audit?limit=500'), auditListSchema).entries,
      );
      for (const id of aIds) expect(audit).not.toContain(id);
      expect(audit).not.toContain('NoE2EE');
    });

    it('lets each organization have its own user with an email the other uses, and tells neither', async () => {
      const email = 'shared@example.com';
      const tenantA = ok(await org.admin.call('GET', '/api/me'), meResponseSchema).user.tenantId;
      const inA = { email, displayName: 'Shared A', password: 'shared-password-of-a' };
      const inB = { email, displayName: 'Shared B', password: 'shared-password-of-b' };
      const a = ok(await org.admin.call('POST', '/api/admin/users', inA), userResponseSchema, 201);
      const b = ok(await other.call('POST', '/api/admin/users', inB), userResponseSchema, 201);
      // Unique within an organization, compared without case.
      fails(
        await other.call('POST', '/api/admin/users', { ...inB, email: 'SHARED@example.com' }),
        409,
        'CONFLICT',
      );
      // Taking an address another organization uses is no conflict either.
      ok(
        await other.call('PATCH', `/api/admin/users/${otherUser}`, {
          email: org.users.alice.email,
        }),
        userResponseSchema,
      );

      // Each password signs in to its own account.
      const anonymous = client(org.server.url);
      const signInAs = (body: Record<string, string>) =>
        anonymous('POST', '/api/auth/sign-in', body);
      const asA = ok(await signInAs({ email, password: inA.password }), signInResponseSchema);
      expect(asA.user).toMatchObject({ id: a.user.id, tenantId: tenantA });
      const asB = ok(await signInAs({ email, password: inB.password }), signInResponseSchema);
      expect(asB.user.id).toBe(b.user.id);
      const wrong = fails(
        await signInAs({ email, password: 'neither-password-at-all' }),
        401,
        'INVALID_CREDENTIALS',
      );
      const unknown = fails(
        await signInAs({ email: 'no-such-person@example.com', password: 'neither-password' }),
        401,
        'INVALID_CREDENTIALS',
      );
      expect(wrong).toEqual(unknown);

      // The same password in both: which organization? Named by name or id, it signs in there.
      ok(
        await other.call('PATCH', `/api/admin/users/${b.user.id}`, { password: inA.password }),
        userResponseSchema,
      );
      const which = fails(
        await signInAs({ email, password: inA.password }),
        400,
        'ORGANIZATION_REQUIRED',
      );
      expect(which.fields?.map((f) => f.path)).toEqual(['$.organization']);
      expect(which.fields?.[0]?.message).toContain('Other organization');
      const named = ok(
        await signInAs({ email, password: inA.password, organization: 'other ORGANIZATION' }),
        signInResponseSchema,
      );
      expect(named.user.id).toBe(b.user.id);
      const byId = ok(
        await signInAs({ email, password: inA.password, organization: tenantA }),
        signInResponseSchema,
      );
      expect(byId.user.id).toBe(a.user.id);
      fails(
        await signInAs({ email, password: inA.password, organization: 'No such organization' }),
        401,
        'INVALID_CREDENTIALS',
      );
    });
  });
}
