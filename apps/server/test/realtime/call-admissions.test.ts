// A 1:1 E2EE call's signed admission (docs/e2ee-profile.md "Who may enter"): the caller's device
// signs the callee; the server takes it only from the caller, for this call, naming the callee and
// no one else, once; serves it with the call's admission list; and lets the callee in only once it
// is there.
import { admissionListSchema, admissionSubmittedSchema } from '@conclave/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fails, ok, type Reply } from '../support/http.ts';
import { signCallee, signedStatement, submitCallStatement } from './support/admissions.ts';
import {
  auditEntries,
  placeCall,
  startDeployment,
  type Deployment,
  type DemoPerson,
} from './support/deployment.ts';
import { converged, TestParticipant } from './support/mls-client.ts';

let world: Deployment;

beforeAll(async () => {
  world = await startDeployment({ lobbyRecheckMs: 0 });
});
afterAll(async () => {
  await world?.close();
});

async function participant(who: DemoPerson): Promise<TestParticipant> {
  const p = await TestParticipant.create(world.people[who]);
  await p.connect(world.wsUrl);
  return p;
}

/** The refusal's sentence, once its status, code and contract body are checked. */
const refusedWith = (reply: Reply, status: number, code: string): string =>
  fails(reply, status, code).message;

describe("a 1:1 E2EE call's signed admission", () => {
  it('lets the callee in once the caller signed them, serves the statement to both sides, audits it', async () => {
    const { dave, admin } = world.people;
    const call = await placeCall(dave, admin.userId);
    expect(call.e2ee).toBe(true);
    const daveP = await participant('dave');
    const adminP = await participant('admin');
    expect(await daveP.join(call.id)).toMatchObject({ type: 'joined' });
    expect(await adminP.join(call.id)).toMatchObject({
      type: 'lobby',
      reasons: [
        {
          code: 'AWAITING_ADMISSION',
          message: expect.stringContaining("Waiting for the caller's device") as unknown,
        },
      ],
    });
    const admission = await signedStatement(dave, call.id, { users: [admin.userId], sequence: 1 });
    const taken = ok(
      await submitCallStatement(dave, call.id, admission),
      admissionSubmittedSchema,
      201,
    );
    expect(taken).toMatchObject({ kind: 'invitation-list', users: [admin.userId] });
    await adminP.socket.waitFor('joined', (m) => m.meetingId === call.id, { timeoutMs: 10_000 });
    await converged([daveP, adminP], 1n, 20_000);

    for (const side of [dave, admin]) {
      const list = ok(
        await side.call('GET', `/api/directory/admissions/${call.id}`),
        admissionListSchema,
      );
      expect(list).toMatchObject({ kind: 'call', organizer: dave.userId, signed: [admission] });
    }
    const audited = await auditEntries(admin, 'call.admission.signed');
    expect(audited.find((e) => e.subject === `call:${call.id}`)).toMatchObject({
      actor: { id: dave.userId },
      details: { users: [admin.userId] },
    });
  });

  it('takes it from the caller only, naming the callee and no one else, once', async () => {
    const { dave, admin, alice } = world.people;
    const call = await placeCall(dave, admin.userId);
    // The callee cannot admit anyone (their own second person, say).
    const byCallee = await signedStatement(admin, call.id, { users: [alice.userId], sequence: 1 });
    expect(
      refusedWith(await submitCallStatement(admin, call.id, byCallee), 403, 'FORBIDDEN'),
    ).toMatch(/Only the caller/);
    // A third person, beside the callee or instead of them.
    for (const users of [[admin.userId, alice.userId], [alice.userId]]) {
      const wider = await signedStatement(dave, call.id, { users, sequence: 1 });
      expect(
        refusedWith(await submitCallStatement(dave, call.id, wider), 400, 'ADMISSION_REFUSED'),
      ).toMatch(/names its callee and no one else/);
    }
    // Someone outside the call learns nothing of it.
    const byAlice = await signedStatement(alice, call.id, { users: [admin.userId], sequence: 1 });
    refusedWith(await submitCallStatement(alice, call.id, byAlice), 404, 'NOT_FOUND');
    // The first good one is kept; a second is refused and changes nothing.
    await signCallee(dave, call.id, admin.userId);
    const again = await signedStatement(dave, call.id, { users: [admin.userId], sequence: 2 });
    refusedWith(await submitCallStatement(dave, call.id, again), 409, 'CONFLICT');
    const list = ok(
      await admin.call('GET', `/api/directory/admissions/${call.id}`),
      admissionListSchema,
    );
    expect(list.signed).toHaveLength(1);
    expect(list.signed[0]).not.toEqual(again);
  });

  it('refuses one for a standard call, and for a call that is over', async () => {
    const { dave, admin, alice, bob } = world.people;
    const standard = await placeCall(alice, bob.userId);
    expect(standard.e2ee).toBe(false);
    const forStandard = await signedStatement(alice, standard.id, {
      users: [bob.userId],
      sequence: 1,
    });
    expect(
      refusedWith(
        await submitCallStatement(alice, standard.id, forStandard),
        400,
        'ADMISSION_REFUSED',
      ),
    ).toMatch(/end-to-end encrypted calls only/);

    const cancelled = await placeCall(dave, admin.userId);
    expect((await dave.call('POST', `/api/calls/${cancelled.id}/cancel`)).status).toBe(200);
    const late = await signedStatement(dave, cancelled.id, { users: [admin.userId], sequence: 1 });
    refusedWith(await submitCallStatement(dave, cancelled.id, late), 409, 'CONFLICT');
  });
});
