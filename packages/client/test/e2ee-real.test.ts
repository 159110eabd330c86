// The SDK against the real server (in this process): real WebSockets, the real delivery service
// and relay, real MLS and SFrame. Taps on the sockets play the network, a hostile relay, a
// misbehaving member, and — with the external-sender key read from the database — a compromised
// server.
import {
  EpochKeyRing,
  MediaContext,
  createDevice,
  createMlsCrypto,
  exportSFrameBaseKey,
  generateKeyPackage,
  groupId,
  nodeCryptoBackend,
  proposeExternalAdd,
  type MeetingState,
} from '@conclave/crypto/member';
import { describe, expect, it } from 'vitest';
import type { JoinOptions, Meeting, ReceivedFrame } from '../src/index.ts';
import { fromBase64, toBase64 } from '../src/bytes.ts';
import { ENVELOPE_HEADER_BYTES, encodeEnvelopeHeader } from '../src/wire.ts';
import { codes, sendingUnderEpoch, until } from './support/people.ts';
import { stolenServerKey } from './support/stolen-server-key.ts';
import {
  realPerson,
  type RealPerson,
  realServerForFile,
  startedMeeting,
  startRealServer,
  type Tapped,
} from './support/real-server.ts';

const world = realServerForFile();
const people = (...names: string[]): Promise<Tapped[]> => world.people(...names);

async function meetingOf(
  e2ee: boolean,
  ...names: string[]
): Promise<{ id: string; people: Tapped[] }> {
  const list = await people(...names);
  return { id: await startedMeeting(world.server, list[0]!, list.slice(1), e2ee), people: list };
}

async function joinEach(
  list: readonly Tapped[],
  id: string,
  options: JoinOptions = {},
): Promise<Meeting[]> {
  const meetings: Meeting[] = [];
  for (const p of list) meetings.push(await p.client.join(id, options));
  return meetings;
}

function framesOf(meeting: Meeting): ReceivedFrame[] {
  const frames: ReceivedFrame[] = [];
  meeting.on('frame', (f) => frames.push(f));
  return frames;
}

const bytes = (...values: number[]) => Uint8Array.from(values);
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('an E2EE meeting on the real server', () => {
  it('three participants converge on one code, list each other from the group, and exchange media and chat', async () => {
    const { id, people: list } = await meetingOf(true, 'alice', 'bob', 'carol');
    const [alice, bob, carol] = list as [Tapped, Tapped, Tapped];
    const meetings = await joinEach(list, id);
    await until(
      meetings,
      () => meetings.every((m) => m.epoch === 2n && m.roster.length === 3),
      15_000,
      'epoch 2',
    );
    await sendingUnderEpoch(meetings);
    const [a, b, c] = meetings as [Meeting, Meeting, Meeting];
    expect(new Set(codes(meetings)).size).toBe(1);
    expect(a.securityCode).toMatch(/^(\d{5} ){3}\d{5}$/);
    const bobSeenByCarol = c.roster.find((m) => m.userId === bob.userId);
    expect(bobSeenByCarol).toMatchObject({
      fingerprint: bob.client.fingerprint,
      displayName: 'bob',
      relayId: b.relayId,
    });

    const atBob = framesOf(b);
    const atCarol = framesOf(c);
    await a.publish('audio', bytes(1, 2, 3));
    await a.publish('camera', new Uint8Array(1200).fill(7), { keyFrame: true });
    await c.publish('screen', bytes(4), { keyFrame: true });
    await until(meetings, () => atBob.length === 3 && atCarol.length === 2, 5_000, 'frames');
    expect(atBob.map((f) => `${f.sender.userId}:${f.mediaKind}:${f.data.length}`).sort()).toEqual(
      [`${alice.userId}:audio:3`, `${alice.userId}:camera:1200`, `${carol.userId}:screen:1`].sort(),
    );

    const chats: string[] = [];
    c.on('chat', (m) => chats.push(`${m.from.displayName}: ${m.text}`));
    await b.sendChat('hello over MLS');
    await until(meetings, () => chats.length === 1, 5_000, 'chat');
    expect(chats).toEqual(['bob: hello over MLS']);
    // The server relayed the chat as MLS ciphertext only.
    expect(carol.tap.text.some((t) => t.includes('hello over MLS'))).toBe(false);
  });

  it('a fourth participant changes the code and cannot read what was sent before it joined', async () => {
    const { id, people: list } = await meetingOf(true, 'alice', 'bob', 'carol', 'dave');
    const [, bob, , dave] = list as [Tapped, Tapped, Tapped, Tapped];
    const meetings = await joinEach(list.slice(0, 3), id);
    await until(meetings, () => meetings.every((m) => m.epoch === 2n), 15_000, 'epoch 2');
    await sendingUnderEpoch(meetings);
    const [a] = meetings as [Meeting];
    const codeOfThree = a.securityCode;
    await a.publish('audio', bytes(1));
    await a.publish('audio', bytes(2));
    await until(meetings, () => bob.tap.binary.length === 2, 5_000, 'frames at bob');
    const sentBefore = bob.tap.binary.slice();

    const d = await dave.client.join(id);
    const four = [...meetings, d];
    await until(
      four,
      () => four.every((m) => m.epoch === 3n && m.roster.length === 4),
      15_000,
      'epoch 3',
    );
    expect(new Set(codes(four)).size).toBe(1);
    expect(d.securityCode).not.toBe(codeOfThree);
    // Under an epoch from before Dave joined: never his to read, and not a loss.
    for (const envelope of sentBefore)
      expect(await d.ingest(envelope)).toMatchObject({ kind: 'dropped', reason: 'before_join' });
    await sendingUnderEpoch(four);
    const atDave = framesOf(d);
    await a.publish('audio', bytes(3));
    await until(four, () => atDave.length === 1, 5_000, 'frame at dave');
    expect([...atDave[0]!.data]).toEqual([3]);
  });

  it('after one leaves, the relay stops forwarding to them at once and later frames are unreadable to them', async () => {
    const { id, people: list } = await meetingOf(true, 'alice', 'bob', 'carol');
    const [, bob, carol] = list as [Tapped, Tapped, Tapped];
    // Carol keeps her old keys this long after leaving: long enough that the removal commit lands
    // inside it even on a loaded machine, so the first check below is made while she still holds
    // them (frames of the new epoch are unreadable even so).
    const retentionMs = 8_000;
    const meetings = await joinEach(list, id, { retentionMs });
    await until(meetings, () => meetings.every((m) => m.epoch === 2n), 15_000, 'epoch 2');
    const [a, b, c] = meetings as [Meeting, Meeting, Meeting];

    await c.leave();
    const leftAt = Date.now();
    expect(c.phase).toBe('left');
    expect(await c.publish('audio', bytes(1))).toMatchObject({ kind: 'not_sent' });
    const rest = [a, b];
    // The server took Carol out (the others were told) before the removal commit is even made.
    await until(
      rest,
      () => rest.every((m) => !m.participants.some((p) => p.userId === carol.userId)),
      5_000,
      'participant-left',
    );
    const atCarolAfterLeave = carol.tap.binary.length;
    const carolFrames = framesOf(c);
    await a.publish('audio', bytes(9));
    await until(
      rest,
      () => rest.every((m) => m.epoch === 3n && m.roster.length === 2),
      15_000,
      'removal',
    );
    const atBobBefore = bob.tap.binary.length;
    await a.publish('audio', bytes(10));
    await until(rest, () => bob.tap.binary.length > atBobBefore, 5_000, 'frame after removal');
    await settle(100);
    expect(carol.tap.binary.length).toBe(atCarolAfterLeave);
    expect(carolFrames).toHaveLength(0);

    const afterRemoval = bob.tap.binary.slice(atBobBefore);
    for (const envelope of afterRemoval)
      expect(await c.ingest(envelope)).toMatchObject({ kind: 'dropped', reason: 'unknown_epoch' });
    expect(Date.now() - leftAt).toBeLessThan(retentionMs); // the check above ran with her keys held
    await settle(retentionMs - (Date.now() - leftAt) + 200); // past it: the old keys are gone too
    for (const envelope of bob.tap.binary)
      expect(await c.ingest(envelope)).toMatchObject({ kind: 'dropped', reason: 'no_keys' });
  });

  it('drops and counts replayed, tampered and wrong-KID frames', async () => {
    const { id, people: list } = await meetingOf(true, 'alice', 'bob', 'carol');
    const [alice, bob, carol] = list as [Tapped, Tapped, Tapped];
    let carolState: MeetingState | undefined;
    const a = await alice.client.join(id);
    const b = await bob.client.join(id);
    const c = await carol.client.join(id, { inspect: (state) => (carolState = state) });
    const meetings = [a, b, c];
    await until(meetings, () => meetings.every((m) => m.epoch === 2n), 15_000, 'epoch 2');
    const atBob = framesOf(b);
    await a.publish('audio', bytes(1));
    await until(meetings, () => atBob.length === 1, 5_000, 'first frame');

    // Replay: the relay (or anyone on the path) sends the same frame again.
    expect(await b.ingest(bob.tap.binary[0]!)).toMatchObject({ kind: 'dropped', reason: 'replay' });
    // Tampering on the way to Bob: an authenticated header field (the timestamp), then the ciphertext.
    const tamper = (at: (length: number) => number) => {
      bob.tap.alter = (frame) => {
        const altered = frame.slice();
        altered[at(altered.length)]! ^= 0x10;
        return altered;
      };
    };
    tamper(() => 19);
    await a.publish('audio', bytes(2));
    await until(
      meetings,
      () => b.stats().frames.dropped.auth_failed === 1,
      5_000,
      'tampered header',
    );
    tamper((length) => length - 1);
    await a.publish('audio', bytes(2));
    await until(
      meetings,
      () => b.stats().frames.dropped.auth_failed === 2,
      5_000,
      'tampered ciphertext',
    );
    bob.tap.alter = undefined;

    // Carol, a member, derives Alice's key and sends frames under Alice's KID through her own socket.
    const ring = new EpochKeyRing({ backend: nodeCryptoBackend() });
    await ring.setEpoch(c.epoch!, await exportSFrameBaseKey(carolState!), a.leafIndex!);
    for (const kind of ['audio', 'camera'] as const) {
      const header = encodeEnvelopeHeader({
        mediaKind: kind,
        keyFrame: true,
        layer: 0,
        streamId: (c.relayId! << 2) | (kind === 'audio' ? 1 : 2),
        sender: c.relayId!,
        timestampUs: 1,
      });
      const sealed = await ring.protect(MediaContext.audio, bytes(6, 6), header);
      if (sealed.kind !== 'ok') throw new Error('forging failed');
      const envelope = new Uint8Array(ENVELOPE_HEADER_BYTES + sealed.frame.length);
      envelope.set(header);
      envelope.set(sealed.frame, ENVELOPE_HEADER_BYTES);
      carol.tap.sendRaw(envelope);
    }
    ring.close();
    await until(
      meetings,
      () =>
        (b.stats().frames.dropped.sender_mismatch ?? 0) +
          (b.stats().frames.dropped.kind_mismatch ?? 0) ===
        2,
      5_000,
      'forged frames',
    );
    const stats = b.stats();
    expect(stats.frames.dropped).toMatchObject({
      replay: 1,
      auth_failed: 2,
      sender_mismatch: 1,
      kind_mismatch: 1,
    });
    expect(stats.bySender.find((s) => s.relayId === c.relayId)?.dropped).toMatchObject({
      sender_mismatch: 1,
      kind_mismatch: 1,
    });
    expect(atBob).toHaveLength(1);
    // None of it changed a key or a replay window: Alice's next frame plays.
    await a.publish('audio', bytes(3));
    await until(meetings, () => atBob.length === 2, 5_000, 'genuine frame');
  });

  it('refuses an Add, validly signed by the server key, of an identity the directory does not know', async () => {
    const { id, people: list } = await meetingOf(true, 'alice', 'bob');
    let state: MeetingState | undefined;
    const meetings = [
      await list[0]!.client.join(id, { inspect: (s) => (state = s) }),
      await list[1]!.client.join(id),
    ];
    await until(meetings, () => meetings.every((m) => m.epoch === 1n), 15_000, 'epoch 1');
    const refused: string[] = [];
    for (const m of meetings)
      m.on('refused', (r) => refused.push(`${r.reason}:${r.identity?.userId}`));

    // The attacker holds the server's whole data folder — the database and the secret key file that
    // seals the external-sender key in it — hence that key, and the socket.
    const crypto = await createMlsCrypto();
    const signer = await stolenServerKey(world.server.dataDir);
    const mallory = await createDevice(crypto, {
      tenantId: list[0]!.client.user.tenantId,
      userId: 'mallory',
      deviceId: 'mallory-laptop',
    });
    const keyPackage = await generateKeyPackage(crypto, mallory);
    const proposal = await proposeExternalAdd(
      crypto,
      signer,
      { groupId: groupId(state!), epoch: 1n },
      keyPackage.publicBytes,
    );
    for (const p of list) {
      p.tap.inject({
        type: 'proposal',
        meetingId: id,
        proposalId: 'forged-1',
        epoch: '1',
        message: toBase64(proposal),
        kind: 'add',
        participantId: 'mallory-1',
      });
    }
    await until(meetings, () => refused.length === 2, 5_000, 'refusals');
    expect(refused).toEqual(['unknown_device:mallory', 'unknown_device:mallory']);
    await settle(200);
    expect(meetings.every((m) => m.epoch === 1n && m.roster.length === 2)).toBe(true);
  });

  it('a member that cannot process a commit is removed and rejoins with a fresh KeyPackage', async () => {
    const { id, people: list } = await meetingOf(true, 'alice', 'bob', 'carol');
    const [, bob, carol] = list as [Tapped, Tapped, Tapped];
    const meetings = await joinEach(list.slice(0, 2), id, { rejoinDelayMs: 100 });
    await until(meetings, () => meetings.every((m) => m.epoch === 1n), 15_000, 'epoch 1');
    const [, b] = meetings as [Meeting, Meeting];
    const errors: string[] = [];
    b.on('error', (e) => errors.push(e.code));
    // The next commit reaches Bob corrupted.
    bob.tap.alterText = (text) => {
      const message = JSON.parse(text) as { type: string; message?: string };
      if (message.type !== 'commit' || message.message === undefined) return text;
      bob.tap.alterText = undefined;
      const bytes = fromBase64(message.message)!;
      bytes[bytes.length - 1]! ^= 1;
      return JSON.stringify({ ...message, message: toBase64(bytes) });
    };
    meetings.push(await carol.client.join(id));
    // Bob fails epoch 1's commit, is removed, and is added back with a new leaf.
    await until(
      meetings,
      () =>
        meetings.every((m) => m.roster.length === 3) &&
        new Set(codes(meetings)).size === 1 &&
        meetings.every((m) => m.epoch! >= 3n),
      20_000,
      'rejoin',
    );
    expect(errors).toEqual(['group_failed']);
    expect(b.phase).toBe('joined');
    await sendingUnderEpoch(meetings);
    const atBob = framesOf(b);
    await meetings[0]!.publish('audio', bytes(1));
    await until(meetings, () => atBob.length === 1, 5_000, 'media after rejoin');
  });

  it('resumes after a dropped socket without a new epoch', async () => {
    const { id, people: list } = await meetingOf(true, 'alice', 'bob');
    const [, bob] = list as [Tapped, Tapped];
    const meetings = await joinEach(list, id, { reconnect: { baseDelayMs: 50 } });
    await until(meetings, () => meetings.every((m) => m.epoch === 1n), 15_000, 'epoch 1');
    const [a, b] = meetings as [Meeting, Meeting];
    const code = b.securityCode;
    const states: string[] = [];
    b.on('connection', (e) => states.push(e.state));
    bob.tap.cut();
    await until(
      meetings,
      () => states.includes('connected') && b.phase === 'joined' && b.relayId !== undefined,
      10_000,
      'resume',
    );
    const atBob = framesOf(b);
    const atAlice = framesOf(a);
    await a.publish('audio', bytes(1));
    await b.publish('audio', bytes(2));
    await until(
      meetings,
      () => atBob.length === 1 && atAlice.length === 1,
      5_000,
      'frames after resume',
    );
    await settle(200);
    expect([a.epoch, b.epoch]).toEqual([1n, 1n]);
    expect(b.securityCode).toBe(code);
    expect(b.stats().reconnects).toBe(1);
    expect(a.roster).toHaveLength(2);
  });
});

describe('key rotation on the real server', () => {
  it('follows the periodic update commits the delivery service asks for, and everyone keeps one code', async () => {
    const rotating = await startRealServer({ updateIntervalMs: 300 });
    const list: RealPerson[] = [];
    try {
      for (const name of ['uma', 'vic']) list.push(await realPerson(rotating, name));
      const id = await startedMeeting(rotating, list[0]!, list.slice(1), true);
      const meetings: Meeting[] = [];
      for (const p of list) meetings.push(await p.client.join(id));
      const codesSeen = new Set<string>();
      meetings[0]!.on('securityCode', (code) => codesSeen.add(code));
      await until(
        meetings,
        () => meetings.every((m) => m.epoch! >= 4n) && meetings[0]!.epoch === meetings[1]!.epoch,
        10_000,
        'updates',
      );
      expect(new Set(codes(meetings)).size).toBe(1);
      // Every epoch has its own code, and media still flows under the rotated keys.
      expect(codesSeen.size).toBeGreaterThanOrEqual(3);
      const atVic = framesOf(meetings[1]!);
      await meetings[0]!.publish('audio', bytes(1));
      await until(meetings, () => atVic.length === 1, 5_000, 'frame after rotation');
    } finally {
      for (const p of list) p.client.close();
      await rotating.stop();
    }
  });
});

describe('a standard meeting on the real server', () => {
  it('uses the server-held key, shows no security code, and chats through the server', async () => {
    const { id, people: list } = await meetingOf(false, 'erin', 'frank');
    const meetings = await joinEach(list, id);
    const [e, f] = meetings as [Meeting, Meeting];
    await until(
      meetings,
      () => e.epoch !== undefined && e.epoch === f.epoch,
      5_000,
      'same media key',
    );
    expect(e.e2ee).toBe(false);
    expect(e.securityCode).toBeUndefined();
    const atFrank = framesOf(f);
    await e.publish('camera', bytes(1, 1), { keyFrame: true });
    await until(meetings, () => atFrank.length === 1, 5_000, 'frame');
    const chats: string[] = [];
    f.on('chat', (m) => chats.push(`${m.from.displayName}: ${m.text} (${m.e2ee})`));
    await e.sendChat('plain hello');
    await until(meetings, () => chats.length === 1, 5_000, 'chat');
    expect(chats).toEqual(['erin: plain hello (false)']);
  });
});
