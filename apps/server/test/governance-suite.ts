// The spec walked end to end over real HTTP (../shared/spec/governance.md): organizers with
// different policies, licences, templates and labels get exactly the spec's outcomes and reason
// codes; options E2EE rules out are refused; start re-checks; calls; what-if; the audit log.
// governance.test.ts runs it on SQLite, governance.pg.test.ts on PostgreSQL.
import {
  assignmentListSchema,
  assignmentResponseSchema,
  auditListSchema,
  callResponseSchema,
  deviceListSchema,
  deviceResponseSchema,
  directorySchema,
  effectivePolicyResponseSchema,
  encryptionPolicyResponseSchema,
  incompatibleOptionSchema,
  meResponseSchema,
  meetingListSchema,
  meetingPreviewSchema,
  meetingResponseSchema,
  labelResponseSchema,
  okSchema,
  templateResponseSchema,
  tenantResponseSchema,
  userResponseSchema,
} from '@conclave/protocol';
import type { ErrorBody } from '@conclave/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { TestDatabase } from './support/databases.ts';
import { fails, ok } from './support/http.ts';
import type { Session } from './support/http.ts';
import { startOrg } from './support/org.ts';
import type { Org, Person } from './support/org.ts';

const allOptions = incompatibleOptionSchema.options;

function errorCodes(error: ErrorBody['error']): string[] {
  return (error.reasons ?? [])
    .filter((r) => r.severity === 'error')
    .map((r) => r.code)
    .sort();
}

export function defineGovernanceSuite(name: string, database: () => TestDatabase): void {
  describe(`governance over HTTP on ${name}`, () => {
    let org: Org;
    const as = (person: Person): Session => org.users[person];
    const schedule = (person: Person, body: Record<string, unknown>) =>
      as(person).call('POST', '/api/meetings', { subject: `${person}'s meeting`, ...body });

    beforeAll(async () => {
      org = await startOrg(database(), 'gov');
    });
    afterAll(async () => {
      await org?.close();
    });

    it('refuses a second policy of the same name and a group rank already taken', async () => {
      const duplicate = await org.admin.call('POST', '/api/admin/encryption-policies', {
        name: 'NoE2EE',
      });
      expect(fails(duplicate, 409, 'CONFLICT').message).toContain('NoE2EE');
      ok(
        await org.admin.call('POST', '/api/admin/encryption-policies', {
          name: 'CallsAllowed',
          meetingEndToEndEncryption: 'DisabledUserOverride',
          callingEndToEndEncryption: 'DisabledUserOverride',
        }),
        encryptionPolicyResponseSchema,
        201,
      );
      const rankTaken = await org.admin.call('POST', '/api/admin/encryption-policy-assignments', {
        policy: 'CallsAllowed',
        group: 'legal',
        rank: 1,
      });
      expect(fails(rankTaken, 409, 'CONFLICT').message).toContain('finance');
      const list = ok(
        await org.admin.call('GET', '/api/admin/encryption-policy-assignments'),
        assignmentListSchema,
      );
      expect(list.assignments).toHaveLength(2);
    });

    it('refuses to delete Global, or a policy that is still assigned', async () => {
      fails(
        await org.admin.call('DELETE', '/api/admin/encryption-policies/Global'),
        409,
        'CONFLICT',
      );
      fails(
        await org.admin.call('DELETE', '/api/admin/encryption-policies/NoE2EE'),
        409,
        'CONFLICT',
      );
    });

    it("resolves each user's effective policy: direct, then group by rank, then org-wide", async () => {
      const effective = async (person: Person) =>
        ok(
          await org.admin.call('GET', `/api/admin/effective-policy/${as(person).userId}`),
          effectivePolicyResponseSchema,
        );
      expect(await effective('alice')).toMatchObject({
        policy: { name: 'NoE2EE' },
        source: 'group:finance',
      });
      expect(await effective('dave')).toMatchObject({
        policy: { name: 'NoE2EE' },
        source: 'direct',
      });
      expect(await effective('erin')).toMatchObject({
        policy: { name: 'Global' },
        source: 'global',
      });
    });

    const rejections: [string, Person, Record<string, unknown>, string[]][] = [
      ['no licence', 'bob', { options: { endToEndEncryption: true } }, ['E2EE_REQUIRES_PREMIUM']],
      [
        'policy not enabled',
        'alice',
        { options: { endToEndEncryption: true } },
        ['E2EE_POLICY_DISABLED'],
      ],
      [
        'direct NoE2EE',
        'dave',
        { options: { endToEndEncryption: true } },
        ['E2EE_POLICY_DISABLED'],
      ],
      [
        'compliance recording, even with the label',
        'carol',
        { label: 'highly-confidential' },
        ['COMPLIANCE_RECORDING_BLOCKS_E2EE'],
      ],
      [
        'webinar',
        'erin',
        { type: 'webinar', options: { endToEndEncryption: true } },
        ['E2EE_UNSUPPORTED_MEETING_TYPE'],
      ],
      [
        'E2EE off under the label',
        'alice',
        { label: 'highly-confidential', options: { endToEndEncryption: false } },
        ['E2EE_LOCKED_BY_LABEL'],
      ],
      [
        'template locks E2EE on, organizer lacks the licence',
        'bob',
        { template: 'sensitive' },
        ['E2EE_REQUIRES_PREMIUM', 'TEMPLATE_REQUIRES_E2EE'],
      ],
      [
        'E2EE off under a template that locks it on',
        'erin',
        { template: 'sensitive', options: { endToEndEncryption: false } },
        ['E2EE_LOCKED_BY_TEMPLATE'],
      ],
      [
        'E2EE on under a template that locks it off',
        'erin',
        { template: 'open', options: { endToEndEncryption: true } },
        ['E2EE_LOCKED_BY_TEMPLATE'],
      ],
      [
        'recording in an E2EE meeting',
        'erin',
        { options: { endToEndEncryption: true, recording: true } },
        ['FEATURE_UNAVAILABLE_IN_E2EE'],
      ],
    ];
    it.each(rejections)(
      'rejects (%s) with 409 and exactly the spec codes, creating nothing',
      async (_case, person, body, codes) => {
        const before = ok(await as(person).call('GET', '/api/meetings'), meetingListSchema).meetings
          .length;
        const error = fails(await schedule(person, body), 409, 'MEETING_REJECTED');
        expect(errorCodes(error)).toEqual(codes);
        for (const reason of error.reasons ?? [])
          expect(error.message).toContain(reason.severity === 'error' ? reason.message : '');
        const after = ok(await as(person).call('GET', '/api/meetings'), meetingListSchema).meetings
          .length;
        expect(after).toBe(before);
      },
    );

    it('names the option refused in an E2EE meeting', async () => {
      const error = fails(
        await schedule('erin', { options: { endToEndEncryption: true, recording: true } }),
        409,
        'MEETING_REJECTED',
      );
      expect(error.reasons?.find((r) => r.code === 'FEATURE_UNAVAILABLE_IN_E2EE')?.option).toBe(
        'recording',
      );
    });

    const accepted: [
      string,
      Person,
      Record<string, unknown>,
      { enabled: boolean; locked: boolean; source: string },
    ][] = [
      [
        'organizer asks, everything holds',
        'erin',
        { options: { endToEndEncryption: true } },
        { enabled: true, locked: false, source: 'organizer' },
      ],
      [
        'label applies E2EE and waives the policy check',
        'alice',
        { label: 'highly-confidential' },
        { enabled: true, locked: true, source: 'label' },
      ],
      [
        'template locks E2EE on',
        'erin',
        { template: 'sensitive' },
        { enabled: true, locked: true, source: 'template' },
      ],
      [
        'template locks E2EE off',
        'bob',
        { template: 'open' },
        { enabled: false, locked: true, source: 'template' },
      ],
      ['nothing asked', 'dave', {}, { enabled: false, locked: false, source: 'default' }],
    ];
    it.each(accepted)('schedules (%s) with the spec state', async (_case, person, body, state) => {
      const { meeting, decision } = ok(await schedule(person, body), meetingResponseSchema, 201);
      expect(decision.outcome).toBe('scheduled');
      expect(meeting.endToEndEncryption).toEqual(state);
      expect(meeting.state).toBe('scheduled');
      expect(meeting.organizer).toBe(as(person).userId);
      if (state.enabled) {
        expect(Object.keys(meeting.features).sort()).toEqual([...allOptions].sort());
        for (const option of allOptions) {
          expect(meeting.features[option]).toEqual({
            enabled: false,
            locked: true,
            reason: 'FEATURE_UNAVAILABLE_IN_E2EE',
          });
        }
      }
      const read = ok(
        await as(person).call('GET', `/api/meetings/${meeting.id}`),
        meetingResponseSchema,
      );
      expect(read.meeting).toEqual(meeting);
    });

    it('falls back to off, with the reasons as information, when an unlocked template default cannot be met', async () => {
      const { meeting, decision } = ok(
        await schedule('bob', { template: 'e2ee-suggested' }),
        meetingResponseSchema,
        201,
      );
      expect(meeting.endToEndEncryption).toMatchObject({ enabled: false, source: 'template' });
      expect(decision.reasons).toContainEqual(
        expect.objectContaining({ code: 'E2EE_REQUIRES_PREMIUM', severity: 'info' }),
      );
    });

    it('previews a decision without creating a meeting', async () => {
      const before = ok(await as('erin').call('GET', '/api/meetings'), meetingListSchema).meetings
        .length;
      const refused = ok(
        await as('erin').call('POST', '/api/meetings/preview', {
          subject: 'x',
          label: 'highly-confidential',
          options: { transcription: true },
        }),
        meetingPreviewSchema,
      );
      expect(refused.decision.outcome).toBe('rejected');
      expect(refused.decision.reasons.map((r) => r.option)).toContain('transcription');
      const fine = ok(
        await as('erin').call('POST', '/api/meetings/preview', {
          subject: 'x',
          label: 'highly-confidential',
        }),
        meetingPreviewSchema,
      );
      expect(fine.decision).toMatchObject({
        outcome: 'scheduled',
        endToEndEncryption: { enabled: true, source: 'label' },
      });
      expect(
        ok(await as('erin').call('GET', '/api/meetings'), meetingListSchema).meetings.length,
      ).toBe(before);
    });

    it('refuses option changes E2EE rules out, and lets the organizer alone change the rest', async () => {
      const { meeting } = ok(
        await schedule('erin', {
          options: { endToEndEncryption: true, onlyInvited: true },
          invitees: [as('bob').userId],
        }),
        meetingResponseSchema,
        201,
      );
      const refused = fails(
        await as('erin').call('PATCH', `/api/meetings/${meeting.id}/options`, {
          options: { recording: true },
        }),
        409,
        'MEETING_OPTIONS_REJECTED',
      );
      expect(refused.reasons?.map((r) => [r.code, r.option])).toContainEqual([
        'FEATURE_UNAVAILABLE_IN_E2EE',
        'recording',
      ]);
      fails(
        await as('bob').call('PATCH', `/api/meetings/${meeting.id}/options`, {
          options: { liveCaptions: false },
        }),
        403,
        'FORBIDDEN',
      );
      // A colleague who is not invited learns why, not that the meeting does not exist.
      const notInvited = fails(
        await as('carol').call('GET', `/api/meetings/${meeting.id}`),
        403,
        'FORBIDDEN',
      );
      expect(notInvited.message).toBe('You are not invited to this meeting.');
      // Without "only invited people", a colleague with the link sees it (and may wait in its lobby).
      ok(
        await as('erin').call('PATCH', `/api/meetings/${meeting.id}/options`, {
          options: { onlyInvited: false },
        }),
        meetingResponseSchema,
      );
      ok(await as('carol').call('GET', `/api/meetings/${meeting.id}`), meetingResponseSchema);
      ok(await as('bob').call('GET', `/api/meetings/${meeting.id}`), meetingResponseSchema);
      expect(
        ok(await as('bob').call('GET', '/api/meetings'), meetingListSchema).meetings.map(
          (m) => m.id,
        ),
      ).toContain(meeting.id);

      const changed = ok(
        await as('erin').call('PATCH', `/api/meetings/${meeting.id}/options`, {
          options: { liveCaptions: false },
        }),
        meetingResponseSchema,
      );
      expect(changed.meeting.endToEndEncryption.enabled).toBe(true);
      expect(changed.meeting.options).toMatchObject({
        endToEndEncryption: true,
        liveCaptions: false,
      });
    });

    it('keeps E2EE locked on for a labelled meeting when the organizer tries to turn it off', async () => {
      const { meeting } = ok(
        await schedule('alice', { label: 'highly-confidential' }),
        meetingResponseSchema,
        201,
      );
      const error = fails(
        await as('alice').call('PATCH', `/api/meetings/${meeting.id}/options`, {
          options: { endToEndEncryption: false },
        }),
        409,
        'MEETING_OPTIONS_REJECTED',
      );
      expect(errorCodes(error)).toContain('E2EE_LOCKED_BY_LABEL');
    });

    it('refuses to start a meeting whose organizer lost the licence, and starts it once restored', async () => {
      const { meeting } = ok(
        await schedule('erin', { template: 'sensitive' }),
        meetingResponseSchema,
        201,
      );
      const user = (premium: boolean) =>
        org.admin.call('PATCH', `/api/admin/users/${as('erin').userId}`, { premium });
      expect(ok(await user(false), userResponseSchema).user.premium).toBe(false);

      const refused = fails(
        await as('erin').call('POST', `/api/meetings/${meeting.id}/start`),
        409,
        'MEETING_START_REFUSED',
      );
      expect(errorCodes(refused)).toContain('E2EE_REQUIRES_PREMIUM');
      const still = ok(
        await as('erin').call('GET', `/api/meetings/${meeting.id}`),
        meetingResponseSchema,
      );
      expect(still.meeting.state).toBe('scheduled');

      ok(await user(true), userResponseSchema);
      const started = ok(
        await as('erin').call('POST', `/api/meetings/${meeting.id}/start`),
        meetingResponseSchema,
      );
      expect(started.meeting.state).toBe('started');
      expect(started.meeting.endToEndEncryption).toMatchObject({
        enabled: true,
        locked: true,
        source: 'template',
      });
      expect(started.meeting.startedAt).not.toBeNull();

      const frozen = fails(
        await as('erin').call('PATCH', `/api/meetings/${meeting.id}/options`, {
          options: { endToEndEncryption: false },
        }),
        409,
        'MEETING_OPTIONS_REJECTED',
      );
      expect(errorCodes(frozen)).toContain('MEETING_ALREADY_STARTED');
      fails(
        await as('erin').call('POST', `/api/meetings/${meeting.id}/start`),
        409,
        'MEETING_START_REFUSED',
      );

      const ended = ok(
        await as('erin').call('POST', `/api/meetings/${meeting.id}/end`),
        meetingResponseSchema,
      );
      expect(ended.meeting.state).toBe('ended');
      fails(await as('erin').call('POST', `/api/meetings/${meeting.id}/end`), 409, 'CONFLICT');
    });

    it('applies a policy change to meetings scheduled afterwards', async () => {
      fails(
        await schedule('dave', { options: { endToEndEncryption: true } }),
        409,
        'MEETING_REJECTED',
      );
      ok(
        await org.admin.call(
          'DELETE',
          `/api/admin/encryption-policy-assignments/${org.assignments.daveNoE2ee}`,
        ),
        okSchema,
      );
      const effective = ok(
        await org.admin.call('GET', `/api/admin/effective-policy/${as('dave').userId}`),
        effectivePolicyResponseSchema,
      );
      expect(effective).toMatchObject({ policy: { name: 'Global' }, source: 'global' });
      const { meeting } = ok(
        await schedule('dave', { options: { endToEndEncryption: true } }),
        meetingResponseSchema,
        201,
      );
      expect(meeting.endToEndEncryption).toMatchObject({ enabled: true, source: 'organizer' });
    });

    it('decides 1:1 call encryption from both sides: policy, settings, compliance recording', async () => {
      const call = async (caller: Person, callee: Person) =>
        ok(
          await as(caller).call('POST', '/api/calls', { callee: as(callee).userId }),
          callResponseSchema,
          201,
        );
      const codes = (result: z.output<typeof callResponseSchema>) =>
        result.decision.reasons.map((r) => r.code).sort();

      // Global's calling setting is "Disabled" out of the box.
      let result = await call('erin', 'dave');
      expect(result.call.endToEndEncryption.enabled).toBe(false);
      expect(codes(result)).toContain('CALL_E2EE_DISABLED_BY_POLICY');

      const replaced = ok(
        await org.admin.call('POST', '/api/admin/encryption-policy-assignments', {
          policy: 'CallsAllowed',
          global: true,
        }),
        assignmentResponseSchema,
        201,
      );
      expect(replaced.replaced).toBeUndefined();
      result = await call('erin', 'dave');
      expect(codes(result)).toEqual(['CALL_E2EE_OFF_IN_USER_SETTINGS']);

      for (const person of ['erin', 'dave', 'carol', 'alice'] as const) {
        const me = ok(
          await as(person).call('PATCH', '/api/me/settings', { e2eeCalls: true }),
          meResponseSchema,
        );
        expect(me.user.settings.e2eeCalls).toBe(true);
      }
      result = await call('erin', 'dave');
      expect(result.call.endToEndEncryption.enabled).toBe(true);
      expect(result.decision.reasons).toEqual([]);
      expect(codes(await call('erin', 'carol'))).toEqual(['COMPLIANCE_RECORDING_BLOCKS_E2EE']);
      expect(codes(await call('erin', 'alice'))).toEqual(['CALL_E2EE_DISABLED_BY_POLICY']);
      expect(codes(await call('erin', 'bob'))).toEqual(['CALL_E2EE_OFF_IN_USER_SETTINGS']);
    });

    it('answers what-if over a pasted scenario, and names the JSON path of each problem', async () => {
      const scenario = {
        users: [{ id: 'ann', premium: true }, { id: 'ben' }],
        policies: [
          {
            name: 'NoE2EE',
            meetingEndToEndEncryption: 'Disabled',
            callingEndToEndEncryption: 'Disabled',
          },
        ],
        assignments: [{ policy: 'NoE2EE', user: 'ben' }],
        meetings: [
          { id: 'm1', type: 'meeting', organizer: 'ann', options: { endToEndEncryption: true } },
        ],
      };
      const answer = await org.admin.call('POST', '/api/admin/policy-explain', { scenario });
      const output = ok(
        answer,
        z.object({
          effectivePolicies: z.record(
            z.string(),
            z.object({ policy: z.string(), source: z.string() }),
          ),
          meetings: z.array(z.object({ id: z.string(), outcome: z.string() })),
        }),
      );
      expect(output.effectivePolicies.ben).toEqual({ policy: 'NoE2EE', source: 'direct' });
      expect(output.meetings[0]).toMatchObject({ id: 'm1', outcome: 'scheduled' });

      const invalid = await org.admin.call('POST', '/api/admin/policy-explain', {
        scenario: { ...scenario, assignments: [{ policy: 'Missing', user: 'ben' }] },
      });
      const error = fails(invalid, 400, 'INVALID_SCENARIO');
      expect(error.fields?.map((f) => f.path)).toContain('$.assignments[0].policy');
    });

    it('keeps a template in use, and applies a replaced template when a meeting starts', async () => {
      fails(await org.admin.call('DELETE', '/api/admin/templates/open'), 409, 'CONFLICT');
      const before = ok(
        await schedule('bob', { template: 'open' }),
        meetingResponseSchema,
        201,
      ).meeting;
      expect(before.endToEndEncryption).toMatchObject({ enabled: false, locked: true });
      ok(
        await org.admin.call('PUT', '/api/admin/templates/open', {
          name: 'Open',
          options: { endToEndEncryption: { value: true, locked: true } },
        }),
        templateResponseSchema,
      );
      const refused = fails(
        await as('bob').call('POST', `/api/meetings/${before.id}/start`),
        409,
        'MEETING_START_REFUSED',
      );
      expect(errorCodes(refused)).toEqual(['E2EE_REQUIRES_PREMIUM', 'TEMPLATE_REQUIRES_E2EE']);
      const rejected = fails(await schedule('bob', { template: 'open' }), 409, 'MEETING_REJECTED');
      expect(errorCodes(rejected)).toEqual(['E2EE_REQUIRES_PREMIUM', 'TEMPLATE_REQUIRES_E2EE']);

      ok(
        await org.admin.call('POST', '/api/admin/labels', { id: 'spare', name: 'Spare' }),
        labelResponseSchema,
        201,
      );
      ok(await org.admin.call('DELETE', '/api/admin/labels/spare'), okSchema);
      fails(await org.admin.call('GET', '/api/admin/labels/spare'), 404, 'NOT_FOUND');
    });

    it('keeps label and template names unique, and refuses a template that locks E2EE on with an option E2EE rules out', async () => {
      ok(
        await org.admin.call('POST', '/api/admin/labels', { id: 'secret-a', name: 'Top Secret' }),
        labelResponseSchema,
        201,
      );
      // Another id, the same name as people read it: refused, nothing stored.
      const twin = fails(
        await org.admin.call('POST', '/api/admin/labels', {
          id: 'secret-b',
          name: ' top  secret ',
        }),
        409,
        'CONFLICT',
      );
      expect(twin.message).toBe("A label named 'Top Secret' already exists; choose another name.");
      fails(await org.admin.call('GET', '/api/admin/labels/secret-b'), 404, 'NOT_FOUND');
      // Renaming onto another's name is refused too; keeping one's own name is not a clash.
      ok(
        await org.admin.call('POST', '/api/admin/labels', { id: 'public', name: 'Public' }),
        labelResponseSchema,
        201,
      );
      fails(
        await org.admin.call('PUT', '/api/admin/labels/public', { name: 'TOP SECRET' }),
        409,
        'CONFLICT',
      );
      ok(
        await org.admin.call('PUT', '/api/admin/labels/secret-a', {
          name: 'Top Secret',
          meeting: { endToEndEncryption: 'apply' },
        }),
        labelResponseSchema,
      );

      const contradictory = fails(
        await org.admin.call('POST', '/api/admin/templates', {
          id: 'locked-recorded',
          name: 'Locked and recorded',
          options: {
            endToEndEncryption: { value: true, locked: true },
            recording: { value: true, locked: false },
            liveCaptions: { value: false, locked: true },
          },
        }),
        409,
        'CONFLICT',
      );
      expect(errorCodes(contradictory)).toEqual(['FEATURE_UNAVAILABLE_IN_E2EE']);
      expect(contradictory.message).toBe(
        "The template 'Locked and recorded' locks end-to-end encryption on, so it cannot also turn on Recording; turn it off or unlock encryption.",
      );
      expect(contradictory.reasons?.[0]?.message).toContain('Recording cannot be turned on');
      fails(await org.admin.call('GET', '/api/admin/templates/locked-recorded'), 404, 'NOT_FOUND');
      // Unlocked E2EE may sit beside recording (the organizer chooses one), and so may E2EE off.
      ok(
        await org.admin.call('POST', '/api/admin/templates', {
          id: 'either',
          name: 'Either',
          options: {
            endToEndEncryption: { value: true, locked: false },
            recording: { value: true, locked: false },
          },
        }),
        templateResponseSchema,
        201,
      );
      const locking = fails(
        await org.admin.call('PUT', '/api/admin/templates/either', {
          name: 'Either',
          options: {
            endToEndEncryption: { value: true, locked: true },
            recording: { value: true, locked: false },
          },
        }),
        409,
        'CONFLICT',
      );
      expect(errorCodes(locking)).toEqual(['FEATURE_UNAVAILABLE_IN_E2EE']);

      // A bad name is refused with a sentence about the name, not "the request body is not valid".
      const badName = fails(
        await org.admin.call('POST', '/api/admin/encryption-policies', {
          name: 'Board/M&A',
          meetingEndToEndEncryption: 'Disabled',
          callingEndToEndEncryption: 'Disabled',
        }),
        400,
        'INVALID_INPUT',
      );
      expect(badName.message).toBe(
        'A policy name may contain letters, digits, spaces, dots, dashes or underscores, and starts with a letter or digit.',
      );
      expect(badName.fields?.map((f) => f.path)).toEqual(['$.name']);
      const badId = fails(
        await org.admin.call('POST', '/api/admin/labels', { id: 'Top Secret', name: 'x' }),
        400,
        'INVALID_INPUT',
      );
      expect(badId.message).toMatch(/^An id may contain 1 to 64 lowercase letters/);
    });

    it('changes tenant E2EE settings, keeping the platforms that can never do E2EE blocked', async () => {
      const patched = ok(
        await org.admin.call('PATCH', '/api/admin/tenant', {
          e2ee: {
            maxParticipants: 50,
            clients: { blocked: ['web'], minVersion: { windows: '1.4.0' } },
          },
        }),
        tenantResponseSchema,
      );
      expect(patched.tenant.e2ee.maxParticipants).toBe(50);
      expect([...patched.tenant.e2ee.clients.blocked].sort()).toEqual([
        'cvi',
        'phone',
        'vdi',
        'web',
      ]);
      expect(patched.tenant.e2ee.clients.minVersion).toEqual({ windows: '1.4.0' });
      const read = ok(await org.admin.call('GET', '/api/admin/tenant'), tenantResponseSchema);
      expect(read.tenant).toEqual(patched.tenant);
      const bad = fails(
        await org.admin.call('PATCH', '/api/admin/tenant', {
          e2ee: { clients: { minVersion: { windows: 'latest' } } },
        }),
        400,
        'INVALID_INPUT',
      );
      expect(bad.fields?.map((f) => f.path)).toEqual(['$.e2ee.clients.minVersion.windows']);
    });

    it("registers a device's public signature key in the directory of its tenant", async () => {
      const key = Buffer.alloc(32, 7).toString('base64');
      const { device } = ok(
        await as('erin').call('POST', '/api/devices', { name: 'Laptop', signaturePublicKey: key }),
        deviceResponseSchema,
        201,
      );
      expect(device.signaturePublicKey).toBe(key);
      const mine = ok(await as('erin').call('GET', '/api/devices'), deviceListSchema);
      expect(mine.devices.map((d) => d.id)).toEqual([device.id]);
      expect(ok(await as('bob').call('GET', '/api/devices'), deviceListSchema).devices).toEqual([]);
      const directory = ok(await as('bob').call('GET', '/api/directory/users'), directorySchema);
      expect(directory.users.find((u) => u.id === as('erin').userId)?.devices).toEqual([
        { id: device.id, signaturePublicKey: key },
      ]);
      const error = fails(
        await as('erin').call('POST', '/api/devices', {
          name: 'Phone',
          signaturePublicKey: 'not base64!',
        }),
        400,
        'INVALID_INPUT',
      );
      expect(error.fields?.map((f) => f.path)).toEqual(['$.signaturePublicKey']);
      // A second device: the directory lists both under their user, in the order registered.
      const second = Buffer.alloc(32, 8).toString('base64');
      const tablet = ok(
        await as('erin').call('POST', '/api/devices', {
          name: 'Tablet',
          signaturePublicKey: second,
        }),
        deviceResponseSchema,
        201,
      ).device;
      const after = ok(await as('bob').call('GET', '/api/directory/users'), directorySchema);
      expect(after.users.find((u) => u.id === as('erin').userId)?.devices).toEqual([
        { id: device.id, signaturePublicKey: key },
        { id: tablet.id, signaturePublicKey: second },
      ]);
      expect(after.users.find((u) => u.id === as('bob').userId)?.devices).toEqual([]);
      org.secrets.push(key, second);
    });

    it('records every step in the audit log, newest first, without secrets', async () => {
      const { entries } = ok(
        await org.admin.call('GET', '/api/admin/audit?limit=500'),
        auditListSchema,
      );
      const kinds = new Set(entries.map((e) => e.kind));
      for (const kind of [
        'user.created',
        'group.created',
        'encryption-policy.created',
        'encryption-policy-assignment.created',
        'encryption-policy-assignment.deleted',
        'compliance-recording-policy.created',
        'compliance-recording-assignment.created',
        'template.created',
        'label.created',
        'label.deleted',
        'template.changed',
        'meeting.scheduled',
        'meeting.rejected',
        'meeting.options.changed',
        'meeting.options.rejected',
        'meeting.start.refused',
        'meeting.started',
        'meeting.ended',
        'user.changed',
        'user.settings.changed',
        'call.placed',
        'tenant.changed',
        'device.registered',
      ]) {
        expect(kinds, kind).toContain(kind);
      }
      const ids = entries.map((e) => Number(e.id));
      expect(ids).toEqual([...ids].sort((x, y) => y - x));

      const licence = entries.find(
        (e) => e.kind === 'user.changed' && e.subject === `user:${as('erin').userId}`,
      );
      expect(licence?.actor?.id).toBe(org.admin.userId);
      expect(licence?.details).toMatchObject({ changes: { premium: { from: false, to: true } } });

      // A change that changes nothing (Erin already holds the licence) is not logged as one.
      const before = entries.filter((e) => e.kind === 'user.changed').length;
      ok(
        await org.admin.call('PATCH', `/api/admin/users/${as('erin').userId}`, { premium: true }),
        userResponseSchema,
      );
      const after = ok(await org.admin.call('GET', '/api/admin/audit?limit=500'), auditListSchema);
      expect(after.entries.filter((e) => e.kind === 'user.changed')).toHaveLength(before);
      // Erin's start, refused while she had lost the licence.
      const refusedStart = entries.find(
        (e) =>
          e.kind === 'meeting.start.refused' &&
          e.actor?.id === as('erin').userId &&
          JSON.stringify(e.details).includes('E2EE_REQUIRES_PREMIUM'),
      );
      expect(refusedStart?.subject).toMatch(/^meeting:/);
      const recording = entries.find(
        (e) =>
          e.kind === 'meeting.rejected' &&
          JSON.stringify(e.details).includes('"option":"recording"'),
      );
      expect(recording?.actor?.displayName).toBe('Erin');

      const text = JSON.stringify(entries);
      for (const secret of org.secrets) expect(text).not.toContain(secret);
      expect(text).not.toMatch(/scrypt\$/);

      const page = ok(
        await org.admin.call('GET', `/api/admin/audit?limit=2&before=${entries[0]?.id}`),
        auditListSchema,
      );
      expect(page.entries.map((e) => e.id)).toEqual(entries.slice(1, 3).map((e) => e.id));
      const meetingsOnly = ok(
        await org.admin.call('GET', '/api/admin/audit?kind=meeting&limit=500'),
        auditListSchema,
      );
      expect(meetingsOnly.entries.length).toBeGreaterThan(0);
      expect(meetingsOnly.entries.every((e) => e.kind.startsWith('meeting.'))).toBe(true);
    });

    it('names what entries are about, filters by time, and exports CSV and JSON', async () => {
      const { entries } = ok(
        await org.admin.call('GET', '/api/admin/audit?limit=500'),
        auditListSchema,
      );
      // Names beside ids: the person a licence change was about, a meeting's subject, a group.
      const licence = entries.find(
        (e) => e.kind === 'user.changed' && e.subject === `user:${as('erin').userId}`,
      );
      expect(licence?.subjectName).toBe('Erin');
      const scheduled = entries.find((e) => e.kind === 'meeting.scheduled');
      expect(scheduled?.subjectName).toEqual(expect.any(String));
      expect(scheduled?.subjectName).not.toBe('');
      expect(entries.find((e) => e.kind === 'group.created')?.subjectName).toEqual(
        expect.any(String),
      );

      // A time range: everything up to the middle entry, and everything from it on.
      const middle = entries[Math.floor(entries.length / 2)]!;
      const at = encodeURIComponent(middle.at);
      const since = ok(
        await org.admin.call('GET', `/api/admin/audit?limit=500&from=${at}`),
        auditListSchema,
      ).entries;
      const until = ok(
        await org.admin.call('GET', `/api/admin/audit?limit=500&to=${at}`),
        auditListSchema,
      ).entries;
      expect(since.length + until.length).toBe(entries.length);
      expect(since.every((e) => e.at >= middle.at)).toBe(true);
      expect(until.every((e) => e.at < middle.at)).toBe(true);
      const backwards = fails(
        await org.admin.call('GET', `/api/admin/audit?from=${at}&to=2000-01-01T00:00:00Z`),
        400,
        'INVALID_INPUT',
      );
      expect(JSON.stringify(backwards)).toContain('The start of the range must be before its end.');
      fails(await org.admin.call('GET', '/api/admin/audit?from=yesterday'), 400, 'INVALID_INPUT');

      // The export: the same entries, as a file.
      const json = await org.admin.call('GET', '/api/admin/audit/export?kind=meeting');
      expect(json.status).toBe(200);
      expect(json.headers.get('content-disposition')).toMatch(
        /^attachment; filename="conclave-audit-\d{4}-\d{2}-\d{2}\.json"$/,
      );
      const exported = auditListSchema.parse(json.body).entries;
      expect(exported.map((e) => e.id)).toEqual(
        entries.filter((e) => e.kind.startsWith('meeting.')).map((e) => e.id),
      );
      const csv = await org.admin.call('GET', `/api/admin/audit/export?format=csv&to=${at}`);
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      const lines = csv.text.trimEnd().split('\r\n');
      expect(lines[0]).toBe('id,at,actor_id,actor_name,kind,subject,subject_name,details');
      expect(lines).toHaveLength(until.length + 1);
      expect(lines[1]).toContain(`"${until[0]!.id}","${until[0]!.at}"`);
      // Only admins read it.
      fails(await as('erin').call('GET', '/api/admin/audit/export'), 403, 'FORBIDDEN');
    });

    it('logs requests without bodies, passwords or tokens', () => {
      const log = org.logLines.join('\n');
      expect(log).toContain('route="/api/meetings"');
      for (const secret of org.secrets) expect(log).not.toContain(secret);
      expect(log).not.toContain('correct-horse');
      expect(log).not.toContain('Bearer');
    });
  });
}
