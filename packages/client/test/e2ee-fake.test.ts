// The SDK against the in-memory stand-in server (support/fake-server.ts): real MLS, real SFrame,
// the meeting flow of docs/meeting-flow.md, and what a hostile member, server or network may do.
import {
  EpochKeyRing,
  MediaContext,
  createDevice,
  createMlsCrypto,
  exportSFrameBaseKey,
  generateKeyPackage,
  nodeCryptoBackend,
  type MeetingState,
} from '@conclave/crypto/member';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClientError, type Meeting, type ReceivedFrame } from '../src/index.ts';
import { encodeEnvelopeHeader, ENVELOPE_HEADER_BYTES } from '../src/wire.ts';
import { FakeServer, type FakeServerOptions } from './support/fake-server.ts';
import {
  SkewClock,
  codes,
  joinAll,
  person,
  sendingUnderEpoch,
  until,
  type Person,
} from './support/people.ts';

let server: FakeServer;
const cleanup: (() => void)[] = [];

async function start(options: FakeServerOptions = {}): Promise<void> {
  server = await FakeServer.create(options);
}
beforeEach(() => start());
afterEach(() => {
  for (const c of cleanup.splice(0)) c();
  server.close();
});

const clock = new SkewClock();

async function people(...names: string[]): Promise<Person[]> {
  const out = await Promise.all(names.map((n) => person(server, n, { clock })));
  for (const p of out) cleanup.push(() => p.client.close());
  return out;
}

function framesOf(meeting: Meeting): ReceivedFrame[] {
  const frames: ReceivedFrame[] = [];
  meeting.on('frame', (f) => frames.push(f));
  return frames;
}

const bytes = (...values: number[]) => Uint8Array.from(values);

describe('an E2EE meeting', () => {
  it('three participants share one group, the same security code, media and chat', async () => {
    const meetingId = server.createMeeting({ e2ee: true });
    const [alice, bob, carol] = await people('alice', 'bob', 'carol');
    const meetings = await joinAll([alice!, bob!, carol!], meetingId);
    await until(
      meetings,
      () => meetings.every((m) => m.epoch === 2n && m.roster.length === 3),
      10_000,
      'epoch 2',
    );
    await sendingUnderEpoch(meetings);
    const [a, b, c] = meetings as [Meeting, Meeting, Meeting];
    expect(new Set(codes(meetings)).size).toBe(1);
    expect(a.securityCode).toMatch(/^\d{5} \d{5} \d{5} \d{5}$/);
    expect(a.roster.map((m) => m.userId).sort()).toEqual(
      [alice!.userId, bob!.userId, carol!.userId].sort(),
    );
    // Every member sees the same fingerprints, derived from the group, and the relay ids.
    expect(b.roster.map((m) => m.fingerprint).sort()).toEqual(
      a.roster.map((m) => m.fingerprint).sort(),
    );
    expect(a.roster.find((m) => m.userId === bob!.userId)?.fingerprint).toBe(
      bob!.client.fingerprint,
    );

    const atBob = framesOf(b);
    const atCarol = framesOf(c);
    expect((await a.publish('audio', bytes(1, 2, 3))).kind).toBe('sent');
    expect((await a.publish('camera', bytes(9, 9), { keyFrame: true })).kind).toBe('sent');
    await until(meetings, () => atBob.length === 2 && atCarol.length === 2);
    expect(atBob.map((f) => [f.mediaKind, f.sender.userId, [...f.data]])).toEqual([
      ['audio', alice!.userId, [1, 2, 3]],
      ['camera', alice!.userId, [9, 9]],
    ]);
    expect(atBob[1]!.keyFrame).toBe(true);

    const chats: string[] = [];
    c.on('chat', (m) => chats.push(`${m.from.userId}:${m.text}:${m.e2ee}`));
    await b.sendChat('hello');
    await until(meetings, () => chats.length === 1);
    expect(chats).toEqual([`${bob!.userId}:hello:true`]);
    // The server only ever relayed ciphertext: no chat text in any message it sent.
    expect(server.sent.some((s) => JSON.stringify(s.message).includes('hello'))).toBe(false);
  });

  it('a fourth participant changes the code and cannot read frames sent before it joined', async () => {
    const meetingId = server.createMeeting({ e2ee: true });
    const [alice, bob, carol, dave] = await people('alice', 'bob', 'carol', 'dave');
    const meetings = await joinAll([alice!, bob!, carol!], meetingId);
    await until(meetings, () => meetings.every((m) => m.epoch === 2n));
    await sendingUnderEpoch(meetings);
    const [a] = meetings as [Meeting];
    const codeBefore = a.securityCode;
    await a.publish('audio', bytes(7));
    await until(meetings, () => server.forwarded.length >= 2);
    const before = server.forwarded.filter((f) => f.from === a.relayId).map((f) => f.bytes);

    const d = await dave!.client.join(meetingId);
    const all = [...meetings, d];
    await until(
      all,
      () => all.every((m) => m.epoch === 3n && m.roster.length === 4),
      10_000,
      'epoch 3',
    );
    expect(new Set(codes(all)).size).toBe(1);
    expect(d.securityCode).not.toBe(codeBefore);

    for (const envelope of before) {
      // Under an epoch from before Dave joined: never his to read, and not a loss.
      const result = await d.ingest(envelope);
      expect(result).toMatchObject({ kind: 'dropped', reason: 'before_join' });
    }
    await sendingUnderEpoch(all);
    const atDave = framesOf(d);
    await a.publish('audio', bytes(8));
    await until(all, () => atDave.length === 1);
    expect([...atDave[0]!.data]).toEqual([8]);
  });

  it('a participant who leaves is no longer forwarded to, and cannot read what follows', async () => {
    const meetingId = server.createMeeting({ e2ee: true });
    const [alice, bob, carol] = await people('alice', 'bob', 'carol');
    // Long enough that the removal lands while carol still holds her old keys, even on a loaded
    // machine: the first check below must run with them held.
    const retentionMs = 8_000;
    const meetings = await joinAll([alice!, bob!, carol!], meetingId, { retentionMs });
    await until(meetings, () => meetings.every((m) => m.epoch === 2n));
    const [a, b, c] = meetings as [Meeting, Meeting, Meeting];
    const carolRelay = c.relayId;

    await c.leave();
    const leftAt = Date.now();
    expect(c.phase).toBe('left');
    const rest = [a, b];
    await until(
      rest,
      () => rest.every((m) => m.epoch === 3n && m.roster.length === 2),
      10_000,
      'removal commit',
    );
    expect(a.roster.some((m) => m.userId === carol!.userId)).toBe(false);
    const forwardedBefore = server.forwarded.length;
    expect((await a.publish('audio', bytes(2))).kind).toBe('sent');
    await until(rest, () => server.forwarded.length > forwardedBefore);
    const after = server.forwarded.slice(forwardedBefore);
    expect(after.every((f) => f.to !== carolRelay)).toBe(true);
    // Even holding the bytes, the old member cannot decrypt the new epoch's frames…
    for (const f of after)
      expect(await c.ingest(f.bytes)).toMatchObject({ kind: 'dropped', reason: 'unknown_epoch' });
    expect(Date.now() - leftAt).toBeLessThan(retentionMs); // checked with her old keys held
    // …and after the retention time it holds no media key at all.
    await new Promise((r) => setTimeout(r, retentionMs - (Date.now() - leftAt) + 200));
    expect(await c.ingest(after[0]!.bytes)).toMatchObject({ kind: 'dropped', reason: 'no_keys' });
  });

  it('drops and counts replayed, tampered, impersonating and mislabelled frames', async () => {
    const meetingId = server.createMeeting({ e2ee: true });
    const [alice, bob, carol] = await people('alice', 'bob', 'carol');
    let carolState: MeetingState | undefined;
    const a = await alice!.client.join(meetingId);
    const b = await bob!.client.join(meetingId);
    const c = await carol!.client.join(meetingId, { inspect: (state) => (carolState = state) });
    const meetings = [a, b, c];
    await until(meetings, () => meetings.every((m) => m.epoch === 2n) && carolState !== undefined);
    await sendingUnderEpoch(meetings);
    const atBob = framesOf(b);
    await a.publish('audio', bytes(5, 5));
    await until(meetings, () => atBob.length === 1);
    const genuine = server.forwarded.find((f) => f.from === a.relayId && f.to === b.relayId)!.bytes;

    expect(await b.ingest(genuine)).toMatchObject({ kind: 'dropped', reason: 'replay' });
    // A hostile relay alters frames on the way to Bob: a header field (SFrame metadata), then
    // the ciphertext.
    const tamper = (index: (length: number) => number) => {
      server.intercept = (f) => {
        if (f.to !== b.relayId) return f.bytes;
        const altered = f.bytes.slice();
        altered[index(altered.length)]! ^= 1;
        return altered;
      };
    };
    tamper(() => 19); // the timestamp's last byte
    await a.publish('audio', bytes(5, 6));
    await until(meetings, () => b.stats().frames.dropped.auth_failed === 1);
    tamper((length) => length - 1);
    await a.publish('audio', bytes(5, 7));
    await until(meetings, () => b.stats().frames.dropped.auth_failed === 2);
    server.intercept = undefined;
    expect(await b.ingest(genuine.subarray(0, 10))).toMatchObject({
      kind: 'dropped',
      reason: 'malformed_envelope',
    });

    // Carol, a member, derives Alice's SFrame key (any member can) and signs as Alice.
    const ring = new EpochKeyRing({ backend: nodeCryptoBackend() });
    await ring.setEpoch(2n, await exportSFrameBaseKey(carolState!), a.leafIndex!);
    const forge = async (sender: number, kind: 'audio' | 'camera', context: number) => {
      const header = encodeEnvelopeHeader({
        mediaKind: kind,
        keyFrame: true,
        layer: 0,
        streamId: 99,
        sender,
        timestampUs: 1,
      });
      const sealed = await ring.protect(context, bytes(6, 6, 6), header);
      if (sealed.kind !== 'ok') throw new Error('could not forge');
      const envelope = new Uint8Array(ENVELOPE_HEADER_BYTES + sealed.frame.length);
      envelope.set(header);
      envelope.set(sealed.frame, ENVELOPE_HEADER_BYTES);
      return envelope;
    };
    expect(await b.ingest(await forge(c.relayId!, 'audio', MediaContext.audio))).toMatchObject({
      kind: 'dropped',
      reason: 'sender_mismatch',
    });
    expect(await b.ingest(await forge(a.relayId!, 'camera', MediaContext.audio))).toMatchObject({
      kind: 'dropped',
      reason: 'kind_mismatch',
    });
    expect(await b.ingest(await forge(4242, 'audio', MediaContext.audio))).toMatchObject({
      kind: 'dropped',
      reason: 'unknown_sender',
    });
    ring.close();

    const dropped = b.stats().frames.dropped;
    expect(dropped).toMatchObject({
      replay: 1,
      auth_failed: 2,
      malformed_envelope: 1,
      sender_mismatch: 1,
      kind_mismatch: 1,
      unknown_sender: 1,
    });
    expect(b.stats().frames.decrypted).toBe(1);
    expect(atBob).toHaveLength(1);
    // Refused frames changed no key and no replay state: Alice's next frame still plays.
    await a.publish('audio', bytes(5, 8));
    await until(meetings, () => atBob.length === 2);
    expect([...atBob[1]!.data]).toEqual([5, 8]);
  });

  it('refuses a server-made Add of an identity the directory does not know', async () => {
    const meetingId = server.createMeeting({ e2ee: true });
    const [alice, bob] = await people('alice', 'bob');
    const meetings = await joinAll([alice!, bob!], meetingId);
    await until(meetings, () => meetings.every((m) => m.epoch === 1n));
    const refused: string[] = [];
    for (const m of meetings) m.on('refused', (r) => refused.push(r.reason));
    const crypto = await createMlsCrypto();
    const stranger = await createDevice(crypto, {
      tenantId: server.tenantId,
      userId: 'user-mallory',
      deviceId: 'device-mallory',
    });
    const keyPackage = await generateKeyPackage(crypto, stranger);
    const proposalId = await server.proposeAdd(meetingId, keyPackage.publicBytes);
    await until(meetings, () => refused.length === 2);
    await server.settled();
    expect(refused).toEqual(['unknown_device', 'unknown_device']);
    await new Promise((r) => setTimeout(r, 100));
    expect(meetings.every((m) => m.epoch === 1n && m.roster.length === 2)).toBe(true);
    expect(server.meetings.get(meetingId)!.proposals.has(proposalId)).toBe(false);
  });

  it('flags a changed key for a known device and does not admit it', async () => {
    const meetingId = server.createMeeting({ e2ee: true });
    const [alice, bob, carol] = await people('alice', 'bob', 'carol');
    const meetings = await joinAll([alice!, bob!, carol!], meetingId);
    await until(meetings, () => meetings.every((m) => m.epoch === 2n));
    const changed: string[] = [];
    for (const m of meetings)
      m.on('keyChanged', (k) => changed.push(`${k.subject}:${k.identity?.userId}`));
    // Directory re-reads are rate limited (1 s): let the one made at join time age.
    clock.offsetMs += 1_500;
    // The server swaps Bob's key in the directory and adds "Bob" with it.
    const crypto = await createMlsCrypto();
    const impostor = await createDevice(crypto, bob!.client.device.identity);
    server.setDeviceKey(bob!.client.device.identity.deviceId, impostor.keyPair.publicKey);
    await server.proposeAdd(meetingId, (await generateKeyPackage(crypto, impostor)).publicBytes);
    await until(meetings, () => changed.length >= 2, 10_000, 'keyChanged');
    expect(changed).toContain(`device:${bob!.userId}`);
    expect(meetings.every((m) => m.roster.length === 3)).toBe(true);
  });

  it('resumes after a dropped socket without a new epoch', async () => {
    const meetingId = server.createMeeting({ e2ee: true });
    const [alice, bob] = await people('alice', 'bob');
    const meetings = await joinAll([alice!, bob!], meetingId, { reconnect: { baseDelayMs: 20 } });
    await until(meetings, () => meetings.every((m) => m.epoch === 1n));
    const [a, b] = meetings as [Meeting, Meeting];
    const states: string[] = [];
    b.on('connection', (e) => states.push(e.state));
    const code = b.securityCode;
    const epochsBefore = b.stats().epochs;
    server.dropConnection(meetingId, bob!.userId);
    await until(
      meetings,
      () => states.includes('connected') && b.phase === 'joined',
      5_000,
      'reconnect',
    );
    expect(states[0]).toBe('reconnecting');
    const atBob = framesOf(b);
    await a.publish('audio', bytes(3));
    await until(meetings, () => atBob.length === 1, 5_000, 'frame after resume');
    expect(b.epoch).toBe(1n);
    expect(server.epochOf(meetingId)).toBe(1n);
    expect(b.securityCode).toBe(code);
    expect(b.stats().epochs).toBe(epochsBefore);
    expect(b.stats().reconnects).toBe(1);
    // Bob's own frames after the resume continue his counter under the same key: Alice plays them.
    const atAlice = framesOf(a);
    await b.publish('audio', bytes(4));
    await until(meetings, () => atAlice.length === 1);
  });

  it('a member that cannot process a commit says so, is removed, and rejoins with a fresh KeyPackage', async () => {
    const meetingId = server.createMeeting({ e2ee: true });
    const [alice, bob, carol, dave] = await people('alice', 'bob', 'carol', 'dave');
    const meetings = await joinAll([alice!, bob!, carol!], meetingId, { rejoinDelayMs: 50 });
    await until(meetings, () => meetings.every((m) => m.epoch === 2n));
    const [, b] = meetings as [Meeting, Meeting, Meeting];
    const errors: string[] = [];
    b.on('error', (e) => errors.push(e.code));
    server.corruptNextCommitFor.add(bob!.userId);
    meetings.push(await dave!.client.join(meetingId));
    // Bob fails epoch 3, is removed (epoch 4) and added again (epoch 5): everyone converges.
    await until(
      meetings,
      () => meetings.every((m) => m.epoch === 5n && m.roster.length === 4),
      10_000,
      'rejoin',
    );
    expect(new Set(codes(meetings)).size).toBe(1);
    expect(errors).toEqual(['group_failed']);
    expect(
      server.sent.filter((s) => s.message.type === 'removed').map((s) => s.message),
    ).toMatchObject([{ reason: 'commit-failed' }]);
    expect(b.leafIndex).not.toBe(undefined);
    expect(b.roster.filter((m) => m.userId === bob!.userId)).toHaveLength(1);
    await sendingUnderEpoch(meetings);
    const atBob = framesOf(b);
    await meetings[0]!.publish('audio', bytes(1));
    await until(meetings, () => atBob.length === 1, 5_000, 'media after rejoin');
  });

  it('converges when every member is asked to commit the same epoch', async () => {
    server.close();
    await start({ askEveryone: true });
    const meetingId = server.createMeeting({ e2ee: true });
    const [alice, bob, carol, dave] = await people('alice', 'bob', 'carol', 'dave');
    const meetings = await joinAll([alice!, bob!, carol!], meetingId);
    meetings.push(await dave!.client.join(meetingId));
    await until(meetings, () => meetings.every((m) => m.epoch === 3n), 10_000, 'epoch 3');
    expect(new Set(codes(meetings)).size).toBe(1);
    const rejected = server.sent.filter((s) => s.message.type === 'commit-rejected');
    expect(rejected.length).toBeGreaterThan(0);
  });

  it('a joiner keeps its own wait from the Welcome, not another joiner’s', async () => {
    const meetingId = server.createMeeting({ e2ee: true });
    const [alice, bob, carol, dave] = await people('alice', 'bob', 'carol', 'dave');
    // Each Welcome names someone else first, then the joiners it adds, each with another wait.
    server.welcomeWaits = (joiners) =>
      Object.fromEntries(
        ['someone-else', ...joiners].map((id, i) => [id, { waitedMs: 100 + i, blockedMs: i }]),
      );
    const meetings = await joinAll([alice!, bob!, carol!], meetingId);
    // A Welcome that says nothing (a server that restarted meanwhile): no wait is made up.
    server.welcomeWaits = undefined;
    meetings.push(await dave!.client.join(meetingId));
    await until(meetings, () => meetings.every((m) => m.epoch === 3n), 10_000, 'epoch 3');
    const [founder, b, c, d] = meetings as [Meeting, Meeting, Meeting, Meeting];
    const said = new Map(
      server.sent.flatMap(({ message }) =>
        message.type === 'welcome' ? Object.entries(message.waits ?? {}) : [],
      ),
    );
    for (const joiner of [b, c]) {
      const own = said.get(joiner.participantId!);
      expect(own).toBeDefined();
      expect(own).not.toEqual(said.get('someone-else'));
      expect(joiner.stats().mls?.welcome).toMatchObject(own!);
    }
    expect(founder.stats().mls?.welcome).toBeUndefined();
    expect(d.stats().mls?.welcome).toBeDefined();
    expect(d.stats().mls?.welcome).not.toHaveProperty('waitedMs');
    expect(d.stats().mls?.welcome).not.toHaveProperty('blockedMs');
  });
});

describe('joining', () => {
  it('reports a blocked join with the server’s reasons', async () => {
    const [alice] = await people('alice');
    const meeting = alice!.client.meeting('no-such-meeting');
    const blocked: string[] = [];
    meeting.on('blocked', (b) => blocked.push(...b.reasons.map((r) => r.code)));
    const error = await meeting.join().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientError);
    expect((error as ClientError).code).toBe('join_blocked');
    expect((error as ClientError).reasons.map((r) => r.code)).toEqual(['MEETING_NOT_FOUND']);
    expect(blocked).toEqual(['MEETING_NOT_FOUND']);
    expect(meeting.phase).toBe('closed');
  });

  it('close() rejects a pending join and can be called again', async () => {
    const meetingId = server.createMeeting({ e2ee: true });
    const [alice] = await people('alice');
    const meeting = alice!.client.meeting(meetingId);
    const joining = meeting.join();
    meeting.close();
    meeting.close();
    await expect(joining).rejects.toMatchObject({ code: 'closed' });
    expect(meeting.phase).toBe('closed');
    await expect(meeting.sendChat('x')).rejects.toMatchObject({ code: 'not_joined' });
    expect(await meeting.publish('audio', bytes(1))).toEqual({
      kind: 'not_sent',
      reason: 'not_connected',
    });
  });

  it('keeps its device identity across clients sharing a store', async () => {
    const alice = await person(server, 'alice');
    cleanup.push(() => alice.client.close());
    const { ConclaveClient } = await import('../src/index.ts');
    const token = [...server.users.values()].find((u) => u.id === alice.userId)!.token;
    const again = await ConclaveClient.connect({
      server: server.url,
      auth: { token },
      store: alice.store,
      webSocket: server.webSocket,
      fetch: server.fetch,
    });
    expect(again.device.identity).toEqual(alice.client.device.identity);
    expect(again.fingerprint).toBe(alice.client.fingerprint);
    expect([...server.devices.values()].filter((d) => d.userId === alice.userId)).toHaveLength(1);
  });
});

describe('a standard meeting', () => {
  it('uses the server media key, has no security code, and chats through the server', async () => {
    const meetingId = server.createMeeting({ e2ee: false });
    const [alice, bob] = await people('alice', 'bob');
    const meetings = await joinAll([alice!, bob!], meetingId);
    const [a, b] = meetings as [Meeting, Meeting];
    await until(meetings, () => a.epoch === b.epoch && a.epoch === 2n);
    expect(a.e2ee).toBe(false);
    expect(a.securityCode).toBeUndefined();
    expect(a.roster.map((m) => m.userId).sort()).toEqual([alice!.userId, bob!.userId].sort());
    const atBob = framesOf(b);
    await a.publish('screen', bytes(4, 2), { keyFrame: true });
    await until(meetings, () => atBob.length === 1);
    expect(atBob[0]).toMatchObject({
      mediaKind: 'screen',
      sender: { relayId: a.relayId, userId: alice!.userId },
    });
    const chats: string[] = [];
    b.on('chat', (m) => chats.push(`${m.text}:${m.e2ee}`));
    await a.sendChat('hi');
    await until(meetings, () => chats.length === 1);
    expect(chats).toEqual(['hi:false']);
  });
});

describe('a burst of arrivals', () => {
  it('is announced once with everyone, not once per arrival (a join storm rebuilds no roster per message)', async () => {
    const meetingId = server.createMeeting({ e2ee: false });
    const [alice, bob] = await people('alice', 'bob');
    const [a] = (await joinAll([alice!, bob!], meetingId)) as [Meeting, Meeting];
    const rosters: number[] = [];
    const lists: number[] = [];
    a.on('roster', (roster) => rosters.push(roster.length));
    a.on('participants', (list) => lists.push(list.length));
    const arrivals = Array.from({ length: 300 }, (_, i) => ({
      type: 'participant-joined' as const,
      meetingId,
      participant: {
        participantId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        userId: `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        displayName: `Guest ${i}`,
        relayId: 1_000 + i,
      },
    }));
    server.sendTo(meetingId, alice!.userId, arrivals);
    await until([a], () => a.roster.length === 302);
    await until([a], () => rosters.at(-1) === 302 && lists.at(-1) === 302);
    // Each announcement carries the newest list; a burst makes a handful, not 300.
    expect(rosters.length).toBeLessThan(30);
    expect(lists.length).toBe(rosters.length);
  });
});

describe('a client that falls behind', () => {
  it('sheds media frames past its queue bound (counted as backlog) and keeps control and MLS flowing', async () => {
    const meetingId = server.createMeeting({ e2ee: true });
    const [alice, bob] = await people('alice', 'bob');
    const [a, b] = (await joinAll([alice!, bob!], meetingId)) as [Meeting, Meeting];
    await until([a, b], () => a.epoch === b.epoch && b.roster.length === 2, 10_000, 'joined');
    const reasons: string[] = [];
    b.on('dropped', (d) => reasons.push(d.reason));
    const header = encodeEnvelopeHeader({
      mediaKind: 'audio',
      keyFrame: true,
      layer: 0,
      streamId: 7,
      sender: a.relayId!,
      timestampUs: 1,
    });
    const frame = new Uint8Array([
      ...header,
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8,
      9,
      10,
      11,
      12,
      13,
      14,
      15,
      16,
    ]);
    // 1,000 frames land in one go, before bob's queue runs any of them.
    const end = server.participant(meetingId, bob!.userId).conn!.end;
    for (let i = 0; i < 1_000; i++) end.send(frame);
    await until([a, b], () => reasons.length >= 1_000, 10_000, 'all frames accounted for');
    const backlog = reasons.filter((r) => r === 'backlog').length;
    expect(backlog).toBe(1_000 - 256);
    expect(b.stats().frames.dropped.backlog).toBe(backlog);
    // Still a working member: chat (an MLS application message) crosses afterwards.
    const chat = new Promise<string>((resolve) => b.on('chat', (m) => resolve(m.text)));
    await a.sendChat('still here');
    expect(await chat).toBe('still here');
  });
});
