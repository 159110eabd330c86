// Who gets in, over the real signaling socket: governance §5 at join (compliance recording, client
// requirements, the participant cap) with its codes and audit entries; meetings not started,
// unknown or of another tenant; 1:1 calls by call id. And standard meetings: not limited by §5,
// a server-held media key rotated on every join and leave, plain chat.
import { bootstrapAdmin } from '../../src/index.ts';
import { tenantResponseSchema } from '@conclave/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastPasswords } from '../support/databases.ts';
import { ok, signIn } from '../support/http.ts';
import {
  auditEntries,
  placeCall,
  scheduledMeeting,
  startDeployment,
  startedMeeting,
  type Deployment,
  type DemoPerson,
  type SignedIn,
} from './support/deployment.ts';
import { signCallee } from './support/admissions.ts';
import { converged, TestParticipant } from './support/mls-client.ts';
import type { ClientInfo } from '../../../../packages/protocol/src/signaling/messages.ts';

let world: Deployment;

beforeAll(async () => {
  world = await startDeployment();
});
afterAll(async () => {
  await world?.close();
});

async function participant(
  who: DemoPerson | SignedIn,
  client: Partial<ClientInfo> = {},
): Promise<TestParticipant> {
  const session = typeof who === 'string' ? world.people[who] : who;
  const p = await TestParticipant.create(session);
  await p.connect(world.wsUrl, client);
  return p;
}

const codes = (answer: { type: string; reasons?: { code: string }[] }) =>
  (answer.reasons ?? []).map((r) => r.code);

describe('joining an E2EE meeting (governance §5)', () => {
  let meetingId: string;

  beforeAll(async () => {
    meetingId = await startedMeeting(world.people.dave, { e2ee: true });
    const dave = await participant('dave');
    await dave.join(meetingId);
    await dave.reachEpoch(0n);
  });

  it('blocks a user under compliance recording', async () => {
    const carol = await participant('carol');
    const answer = await carol.join(meetingId);
    expect(answer.type).toBe('join-blocked');
    expect(codes(answer as never)).toEqual(['COMPLIANCE_RECORDING_BLOCKS_E2EE']);
  });

  it('blocks a client without E2EE media and a VDI client, naming what would work', async () => {
    const noMedia = await participant('alice', { platform: 'web', e2eeMedia: false });
    const answer = await noMedia.join(meetingId);
    expect(codes(answer as never)).toEqual(['CLIENT_NOT_SUPPORTED']);
    const vdi = await participant('bob', { platform: 'vdi', version: '2.0.0', e2eeMedia: true });
    const vdiAnswer = await vdi.join(meetingId);
    expect(codes(vdiAnswer as never)).toEqual(['CLIENT_NOT_SUPPORTED']);
    expect(vdiAnswer.type === 'join-blocked' && vdiAnswer.reasons[0]?.message).toMatch(
      /browser|app/i,
    );
    // Nothing about either reached the members: no proposal was made.
    expect(noMedia.socket.all('joined')).toEqual([]);
  });

  it('audits every blocked join with its code, and nothing secret', async () => {
    const entries = await auditEntries(world.people.admin, 'join.blocked');
    const forMeeting = entries.filter((e) => e.subject === `meeting:${meetingId}`);
    const seen = forMeeting.flatMap((e) => (e.details.codes as string[] | undefined) ?? []);
    expect(seen).toEqual(
      expect.arrayContaining(['COMPLIANCE_RECORDING_BLOCKS_E2EE', 'CLIENT_NOT_SUPPORTED']),
    );
    expect(forMeeting.length).toBeGreaterThanOrEqual(3);
    expect(JSON.stringify(forMeeting)).not.toMatch(/keyPackage|token|"key"/i);
  });

  it('blocks the participant over the cap (admitted count = current participants)', async () => {
    const cap = await world.people.admin.call('PATCH', '/api/admin/tenant', {
      e2ee: { maxParticipants: 2 },
    });
    ok(cap, tenantResponseSchema);
    try {
      const alice = await participant('alice');
      expect(await alice.join(meetingId)).toMatchObject({ type: 'joined' });
      const bob = await participant('bob');
      const answer = await bob.join(meetingId);
      expect(codes(answer as never)).toEqual(['MEETING_FULL']);
      const entries = await auditEntries(world.people.admin, 'join.blocked');
      expect(entries.some((e) => (e.details.codes as string[]).includes('MEETING_FULL'))).toBe(
        true,
      );
      // A standard meeting is not limited by §5.
      const standard = await startedMeeting(world.people.dave, { e2ee: false });
      const joined = await Promise.all(
        ['alice', 'bob', 'carol'].map(async (who) =>
          (await participant(who as DemoPerson)).join(standard),
        ),
      );
      for (const answer_ of joined)
        expect(answer_).toMatchObject({ type: 'joined', endToEndEncryption: false });
    } finally {
      ok(
        await world.people.admin.call('PATCH', '/api/admin/tenant', {
          e2ee: { maxParticipants: 50 },
        }),
        tenantResponseSchema,
      );
    }
  });

  it('lets a meeting not started wait (lobby.test.ts); refuses unknown ids and other tenants’ meetings', async () => {
    const bob = await participant('bob');
    const later = await scheduledMeeting(world.people.dave, true);
    expect(await bob.join(later)).toMatchObject({
      type: 'lobby',
      reasons: [{ code: 'MEETING_NOT_STARTED', severity: 'info' }],
    });
    expect(codes((await bob.join('no-such-meeting')) as never)).toEqual(['MEETING_NOT_FOUND']);

    const other = await bootstrapAdmin({
      dataDir: world.dataDir,
      email: 'root@other.example',
      tenant: 'Other Org',
      passwordCost: fastPasswords,
    });
    const stranger = await signIn(world.url, other.email, other.password);
    const me = (await stranger.call('GET', '/api/me')).body as { user: { tenantId: string } };
    const outsider = await participant({
      ...stranger,
      person: 'admin',
      tenantId: me.user.tenantId,
    });
    expect(codes((await outsider.join(meetingId)) as never)).toEqual(['MEETING_NOT_FOUND']);
  });
});

describe('1:1 calls', () => {
  it('runs an E2EE call as a two-member MLS group joined by call id; nobody else gets in', async () => {
    const call = await placeCall(world.people.dave, world.people.admin.userId);
    expect(call.e2ee).toBe(true);
    const dave = await participant('dave');
    const admin = await participant('admin');
    expect(await dave.join(call.id)).toMatchObject({
      type: 'joined',
      endToEndEncryption: true,
      mls: { role: 'create-group' },
    });
    // The callee waits until the caller's device signed their admission, then enters.
    expect(await admin.join(call.id)).toMatchObject({
      type: 'lobby',
      reasons: [{ code: 'AWAITING_ADMISSION' }],
    });
    await signCallee(world.people.dave, call.id, world.people.admin.userId);
    expect(await admin.socket.waitFor('joined')).toMatchObject({
      type: 'joined',
      mls: { role: 'await-welcome' },
    });
    await converged([dave, admin], 1n);
    expect(dave.securityCode).toBe(admin.securityCode);
    expect(dave.securityCode).toMatch(/^\d{5} \d{5} \d{5} \d{5}$/);
    const alice = await participant('alice');
    expect(codes((await alice.join(call.id)) as never)).toEqual(['MEETING_NOT_FOUND']);
  });

  it('runs a standard call with server-held keys', async () => {
    const call = await placeCall(world.people.alice, world.people.bob.userId);
    expect(call.e2ee).toBe(false);
    const alice = await participant('alice');
    const bob = await participant('bob');
    expect(await alice.join(call.id)).toMatchObject({ type: 'joined', endToEndEncryption: false });
    await bob.join(call.id);
    await alice.socket.until(() => alice.socket.all('media-key').length === 2);
    expect(alice.socket.all('joined')[0]?.mls).toBeUndefined();
  });
});

describe('a standard meeting', () => {
  it('sends a server-held media key and rotates it on every join and leave', async () => {
    const meetingId = await startedMeeting(world.people.dave, { e2ee: false });
    const dave = await participant('dave');
    const answer = await dave.join(meetingId, { keyPackage: null });
    expect(answer).toMatchObject({ type: 'joined', endToEndEncryption: false });
    const first = await dave.socket.waitFor('media-key');

    const alice = await participant('alice', { platform: 'vdi', e2eeMedia: false });
    await alice.join(meetingId, { keyPackage: null });
    const second = await dave.socket.waitFor('media-key', (m) => m.epoch !== first.epoch);
    const aliceKey = await alice.socket.waitFor('media-key');
    expect(aliceKey).toEqual(second);
    expect(second.key).not.toBe(first.key);
    expect(BigInt(second.epoch)).toBeGreaterThan(BigInt(first.epoch));
    expect(Buffer.from(second.key, 'base64')).toHaveLength(16);

    alice.leave();
    const third = await dave.socket.waitFor(
      'media-key',
      (m) => BigInt(m.epoch) > BigInt(second.epoch),
    );
    await alice.socket.waitFor('removed', (m) => m.reason === 'left');
    expect(third.key).not.toBe(second.key);
    expect(alice.socket.all('media-key').map((m) => m.key)).not.toContain(third.key);

    // Roster: the joiner gets the whole list once, the others one change at a time.
    expect(dave.socket.all('participant-joined').map((m) => m.participant.userId)).toEqual([
      world.people.alice.userId,
    ]);
    expect(dave.socket.all('participant-left').map((m) => m.participantId)).toEqual([
      alice.participantId,
    ]);
    expect(
      alice.socket
        .all('participants')[0]
        ?.participants.map((p) => p.displayName)
        .sort(),
    ).toEqual(['Alice Finance', 'Dave Director']);
  });

  it('relays plain chat with the sender’s name, and refuses E2EE messages', async () => {
    const meetingId = await startedMeeting(world.people.dave, { e2ee: false });
    const dave = await participant('dave');
    const bob = await participant('bob');
    await dave.join(meetingId, { keyPackage: null });
    await bob.join(meetingId, { keyPackage: null });
    bob.socket.send({ type: 'chat', meetingId, text: 'hi all' });
    const chat = await dave.socket.waitFor('chat');
    expect(chat).toMatchObject({
      from: bob.participantId,
      displayName: 'Bob Basic',
      text: 'hi all',
    });
    bob.socket.send({ type: 'app-message', meetingId, epoch: '0', message: 'AAAA' });
    expect(await bob.socket.waitFor('error')).toMatchObject({ code: 'not_allowed' });
  });

  it('tells everyone when the organizer ends the meeting', async () => {
    const meetingId = await startedMeeting(world.people.dave, { e2ee: true });
    const dave = await participant('dave');
    await dave.join(meetingId);
    const alice = await participant('alice');
    await alice.join(meetingId);
    await converged([dave, alice], 1n);
    await world.people.dave.call('POST', `/api/meetings/${meetingId}/end`);
    await alice.socket.waitFor('removed', (m) => m.reason === 'meeting-ended');
    await dave.socket.waitFor('removed', (m) => m.reason === 'meeting-ended');
    const bob = await participant('bob');
    expect(codes((await bob.join(meetingId)) as never)).toEqual(['MEETING_NOT_FOUND']);
  });
});
