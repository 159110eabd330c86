// Organizer-signed admissions over HTTP and the signaling socket (spec/e2ee.md "Group keys": the
// admission is the organizer's, not the server's; governance.md §5). The server takes a statement
// only from an organizer's own registered device, for this meeting, unexpired, signed by whom may
// sign it — each refusal typed — serves the statements to members, and lets into an E2EE meeting
// only whom they cover. Members' alarms about an uncovered Add are audited once per proposal.
import {
  admissionListSchema,
  admissionSubmittedSchema,
  lobbySchema,
  meetingResponseSchema,
} from '@conclave/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fails, ok, type Reply } from '../support/http.ts';
import {
  signInvitationList,
  signedStatement,
  signingDevice,
  submitStatement,
} from './support/admissions.ts';
import {
  auditEntries,
  startDeployment,
  startedMeeting,
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

/** An E2EE meeting of Dave's, not started, Alice and Bob invited; no list signed yet. */
async function meeting(): Promise<string> {
  const { dave, alice, bob } = world.people;
  const reply = await dave.call('POST', '/api/meetings', {
    subject: 'Signed',
    options: { endToEndEncryption: true },
    invitees: [alice.userId, bob.userId],
  });
  return ok(reply, meetingResponseSchema, 201).meeting.id;
}

describe('handing in a signed admission', () => {
  it('takes a good invitation list and serves it to members with the organizer', async () => {
    const { dave, alice, bob } = world.people;
    const id = await meeting();
    const admission = await signedStatement(dave, id, { users: [alice.userId, bob.userId] });
    const taken = ok(await submitStatement(dave, id, admission), admissionSubmittedSchema, 201);
    expect(taken).toMatchObject({ kind: 'invitation-list', sequence: 1 });
    expect([...taken.users].sort()).toEqual([alice.userId, bob.userId].sort());
    const list = ok(
      await alice.call('GET', `/api/directory/admissions/${id}`),
      admissionListSchema,
    );
    expect(list.organizer).toBe(dave.userId);
    expect(list.signed).toEqual([admission]);
    const audited = await auditEntries(world.people.admin, 'meeting.admission.signed');
    expect(audited.find((e) => e.subject === `meeting:${id}`)).toMatchObject({
      actor: { id: dave.userId },
      details: { kind: 'invitation-list', sequence: 1 },
    });
  });

  it('refuses a bad signature, another meeting, an expired statement and another user’s device', async () => {
    const { dave, alice } = world.people;
    const id = await meeting();
    const other = await meeting();
    const good = await signedStatement(dave, id, { users: [alice.userId], sequence: 1 });
    const signature = Buffer.from(good.signature, 'base64');
    signature[0] = (signature[0] ?? 0) ^ 0x01;
    const forged = { ...good, signature: signature.toString('base64') };
    expect(refusedWith(await submitStatement(dave, id, forged), 400, 'ADMISSION_REFUSED')).toMatch(
      /signature does not verify/,
    );
    const elsewhere = await signedStatement(dave, id, { meetingId: other, sequence: 1 });
    expect(
      refusedWith(await submitStatement(dave, id, elsewhere), 400, 'ADMISSION_REFUSED'),
    ).toMatch(/another meeting/);
    const hourAgo = Date.now() - 3_600_000;
    const expired = await signedStatement(dave, id, {
      sequence: 1,
      issuedAt: hourAgo - 60_000,
      expiresAt: hourAgo,
    });
    expect(refusedWith(await submitStatement(dave, id, expired), 400, 'ADMISSION_REFUSED')).toMatch(
      /expired/,
    );
    // Signed on Alice's device (her real key), handed in by Dave.
    const alicesDevice = await signingDevice(alice);
    const notHis = await signedStatement(dave, id, { sequence: 1 }, alicesDevice);
    const message = refusedWith(await submitStatement(dave, id, notHis), 400, 'ADMISSION_REFUSED');
    expect(message).toMatch(/your own devices/);
    // No refusal names a person or a device.
    expect(message).not.toContain(alice.userId);
    expect(message).not.toContain(alicesDevice.identity.deviceId);
    // None of them was kept.
    const list = ok(await dave.call('GET', `/api/directory/admissions/${id}`), admissionListSchema);
    expect(list.signed).toEqual([]);
  });

  it('takes lists from the organizer only, each newer than the last', async () => {
    const { dave, alice, bob } = world.people;
    const id = await meeting();
    await signInvitationList(dave, id, [alice.userId, bob.userId], [alice.userId]);
    const stale = await signedStatement(dave, id, { users: [bob.userId], sequence: 1 });
    refusedWith(await submitStatement(dave, id, stale), 409, 'CONFLICT');
    // Alice is a co-organizer: she may admit from the lobby, not sign the list.
    const byAlice = await signedStatement(alice, id, { users: [alice.userId], sequence: 9 });
    expect(
      refusedWith(await submitStatement(alice, id, byAlice), 400, 'ADMISSION_REFUSED'),
    ).toMatch(/Only the organizer signs the invitation list/);
    // Bob organizes nothing here.
    const byBob = await signedStatement(bob, id, { users: [bob.userId], sequence: 9 });
    refusedWith(await submitStatement(bob, id, byBob), 403, 'FORBIDDEN');
  });

  it('takes the list of a meeting of 2,000, over the 64 KiB other requests are held to', async () => {
    const { dave } = world.people;
    const id = await meeting();
    const users = Array.from(
      { length: 2_000 },
      (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    );
    const admission = await signedStatement(dave, id, { users });
    expect(JSON.stringify({ admission }).length).toBeGreaterThan(64 * 1024);
    const taken = ok(await submitStatement(dave, id, admission), admissionSubmittedSchema, 201);
    expect(taken.users).toHaveLength(2_000);
    // Another route still refuses such a body.
    const big = await dave.call('PATCH', `/api/meetings/${id}`, { subject: 'x'.repeat(70 * 1024) });
    refusedWith(big, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('takes a lobby admission from a co-organizer the list names, from nobody else', async () => {
    const { dave, alice, bob, carol } = world.people;
    const id = await meeting();
    await signInvitationList(dave, id, [alice.userId, bob.userId], [alice.userId]);
    const byAlice = await signedStatement(alice, id, { kind: 'lobby', users: [carol.userId] });
    const taken = ok(await submitStatement(alice, id, byAlice), admissionSubmittedSchema, 201);
    expect(taken).toMatchObject({ kind: 'lobby', sequence: 0, users: [carol.userId] });
    // A named co-organizer sees who waits, as the organizer does; an invitee does not.
    ok(await alice.call('GET', `/api/meetings/${id}/lobby`), lobbySchema);
    expect((await bob.call('GET', `/api/meetings/${id}/lobby`)).status).toBe(403);
    const byBob = await signedStatement(bob, id, { kind: 'lobby', users: [bob.userId] });
    refusedWith(await submitStatement(bob, id, byBob), 403, 'FORBIDDEN');
    // Once the newest list no longer names Alice, her lobby admissions are not taken.
    await signInvitationList(dave, id, [alice.userId, bob.userId]);
    const again = await signedStatement(alice, id, { kind: 'lobby', users: [carol.userId] });
    refusedWith(await submitStatement(alice, id, again), 403, 'FORBIDDEN');
    const list = ok(await dave.call('GET', `/api/directory/admissions/${id}`), admissionListSchema);
    expect(list.signed).toHaveLength(3);
    expect(list.users.find((u) => u.userId === carol.userId)).toMatchObject({ basis: 'admitted' });
  });

  it('answers malformed base64, a malformed statement and an oversized body with typed errors', async () => {
    const { dave } = world.people;
    const id = await meeting();
    const good = await signedStatement(dave, id, { sequence: 1 });
    const notBase64 = await submitStatement(dave, id, { ...good, statement: '!!!!' });
    refusedWith(notBase64, 400, 'INVALID_INPUT');
    // Base64 of the standard alphabet, but not the one canonical text of its bytes.
    const loose = await submitStatement(dave, id, { ...good, signature: 'QR==' });
    refusedWith(loose, 400, 'ADMISSION_REFUSED');
    const junk = { ...good, statement: Buffer.from('CA not a statement').toString('base64') };
    expect(refusedWith(await submitStatement(dave, id, junk), 400, 'ADMISSION_REFUSED')).toMatch(
      /not a Conclave admission/,
    );
    const huge = { ...good, statement: 'A'.repeat(600_000) };
    refusedWith(await submitStatement(dave, id, huge), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('is for E2EE meetings only; a standard meeting admits as before', async () => {
    const { dave, bob } = world.people;
    const id = await startedMeeting(dave, { e2ee: false, invitees: [] });
    const admission = await signedStatement(dave, id, { sequence: 1 });
    refusedWith(await submitStatement(dave, id, admission), 400, 'ADMISSION_REFUSED');
    ok(await dave.call('POST', `/api/meetings/${id}/lobby/${bob.userId}/admit`), lobbySchema);
  });
});

describe('who enters an E2EE meeting', () => {
  it('keeps an invitee waiting for admission until the organizer signs the list', async () => {
    const { dave, alice } = world.people;
    const id = await startedMeeting(dave, {
      e2ee: true,
      invitees: [alice.userId],
      signList: false,
    });
    const daveP = await participant('dave');
    expect(await daveP.join(id)).toMatchObject({ type: 'joined' });
    const aliceP = await participant('alice');
    expect(await aliceP.join(id)).toMatchObject({
      type: 'lobby',
      reasons: [{ code: 'AWAITING_ADMISSION' }],
    });
    const lobby = ok(await dave.call('GET', `/api/meetings/${id}/lobby`), lobbySchema);
    expect(lobby.waiting).toMatchObject([{ userId: alice.userId, waitingFor: 'admission' }]);
    await signInvitationList(dave, id, [alice.userId]);
    await aliceP.socket.waitFor('joined', (m) => m.meetingId === id, { timeoutMs: 10_000 });
    await converged([daveP, aliceP], 1n, 20_000);
  });

  it('audits members’ alarms about an Add no admission covers once, with how many raised it', async () => {
    const { dave, bob } = world.people;
    const id = await startedMeeting(dave, { e2ee: true });
    const members = [await participant('dave'), await participant('alice')];
    for (const m of members) await m.join(id);
    await converged(members, 1n);
    // Both members' authentication services find no admission for Bob (as if none covered him).
    for (const m of members) m.behaviour.refuseUsers = new Set([bob.userId]);
    const bobP = await participant('bob');
    await bobP.join(id);
    const blocked = await bobP.socket.waitFor('join-blocked', () => true, { timeoutMs: 10_000 });
    expect(blocked.reasons.map((r) => r.code)).toEqual(['REFUSED_BY_MEMBERS']);
    let entries: Awaited<ReturnType<typeof auditEntries>> = [];
    for (let tries = 0; tries < 60 && entries.length === 0; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      entries = (await auditEntries(world.people.admin, 'meeting.unadmitted_add_refused')).filter(
        (e) => e.subject === `meeting:${id}`,
      );
    }
    // The window for the other member's report passes: still one entry.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    entries = (await auditEntries(world.people.admin, 'meeting.unadmitted_add_refused')).filter(
      (e) => e.subject === `meeting:${id}`,
    );
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor: null, details: { user: bob.userId, epoch: 1 } });
    expect(entries[0]?.details.reports).toBe(2);
  });
});
