// The meeting's parts that replaced its `if (e2ee)` branches and loose phase flags: the tagged
// phase and its narrowing helpers, the standard mode and the E2EE mode on a fake host, and the
// media-state announcer.
import { describe, expect, it } from 'vitest';
import { Emitter } from '../src/emitter.ts';
import type { ClientError } from '../src/errors.ts';
import { VerifiedDevices } from '../src/identity/verified-devices.ts';
import type { FrameProtector } from '../src/media/frame-protector.ts';
import { E2eeMode } from '../src/meeting/e2ee-mode.ts';
import { MediaAnnouncer } from '../src/meeting/media-announcer.ts';
import { MediaKeys } from '../src/meeting/media-keys.ts';
import type { ModeHost } from '../src/meeting/mode.ts';
import { ParticipantTable } from '../src/meeting/participants.ts';
import {
  admissionOf,
  isLive,
  isOver,
  publicPhase,
  type Admission,
  type Phase,
} from '../src/meeting/phase.ts';
import { SerialQueue } from '../src/meeting/serial-queue.ts';
import { StandardMode } from '../src/meeting/standard-mode.ts';
import type {
  ChatMessage,
  MediaState,
  MediaStateChange,
  MeetingDeps,
  MeetingEvents,
  Reaction,
  RemovedReason,
} from '../src/meeting/types.ts';
import { MemoryStore } from '../src/store/key-value.ts';
import type { ClientMessage } from '../src/wire.ts';
import { ManualClock } from './support/manual-clock.ts';

const MEETING = 'm-1';

/** A key ring that only records which epochs it was given. */
function recordingProtector(installed: { epoch: bigint; leaf: number; key: number[] }[]) {
  return (): FrameProtector => {
    let current: bigint | undefined;
    return {
      get currentEpoch() {
        return current;
      },
      get newestEpoch() {
        return current;
      },
      sendUnder: () => Promise.resolve(),
      setEpoch(epoch, baseKey, ownLeafIndex) {
        installed.push({ epoch, leaf: ownLeafIndex, key: [...baseKey] });
        current = epoch;
        return Promise.resolve();
      },
      protect: () => Promise.reject(new Error('not in this test')),
      unprotect: () => Promise.reject(new Error('not in this test')),
      prune: () => undefined,
      close: () => undefined,
    };
  };
}

interface FakeHost extends ModeHost {
  readonly sent: ClientMessage[];
  readonly chats: (ChatMessage | undefined)[];
  readonly mediaStates: (MediaStateChange | undefined)[];
  readonly reactions: (Reaction | undefined)[];
  readonly epochs: { epoch: bigint; leafIndex: number }[];
  readonly ended: RemovedReason[];
  readonly failed: ClientError[];
  readonly installed: { epoch: bigint; leaf: number; key: number[] }[];
  readyCalls: number;
  relayId: number | undefined;
  participantId: string | undefined;
  sendWorks: boolean;
}

function fakeHost(): FakeHost {
  const clock = new ManualClock();
  const installed: FakeHost['installed'] = [];
  const keys = new MediaKeys({ create: recordingProtector(installed), clock });
  const queue = new SerialQueue();
  const host: FakeHost = {
    meetingId: MEETING,
    deps: { clock, verified: new VerifiedDevices(new MemoryStore()) } as unknown as MeetingDeps,
    options: {},
    events: new Emitter<MeetingEvents>(),
    participants: new ParticipantTable(),
    people: { displayName: () => undefined, email: () => undefined },
    participantId: 'me',
    relayId: 7,
    active: true,
    connected: true,
    sent: [],
    chats: [],
    mediaStates: [],
    reactions: [],
    epochs: [],
    ended: [],
    failed: [],
    installed,
    readyCalls: 0,
    sendWorks: true,
    send(message) {
      if (!host.sendWorks) return false;
      host.sent.push(message);
      return true;
    },
    keys: () => keys,
    renewKeys: () => keys.renew(),
    leaveRelay() {
      host.relayId = undefined;
    },
    enterEpoch(epoch, leafIndex) {
      host.epochs.push({ epoch, leafIndex });
      return Promise.resolve();
    },
    markReady() {
      host.readyCalls++;
    },
    announceAgain: () => undefined,
    chatReceived: (chat) => void host.chats.push(chat),
    mediaStateReceived: (change) => void host.mediaStates.push(change),
    reactionReceived: (reaction) => void host.reactions.push(reaction),
    chatLookups: () => ({
      member: () => undefined,
      participant: (id) => host.participants.byId(id),
      displayName: () => undefined,
      now: () => clock.now(),
    }),
    end: (reason) => void host.ended.push(reason),
    fail: (error) => void host.failed.push(error),
    serially: (task) => queue.run(task),
    later: () => undefined,
  };
  return host;
}

describe('the meeting phase', () => {
  const admission = { relayId: 1, participantId: 'p' } as unknown as Admission;
  const phases: Phase[] = [
    { kind: 'new' },
    { kind: 'joining', admission: undefined },
    { kind: 'joined', admission },
    { kind: 'reconnecting', admission },
    { kind: 'left', admission },
    { kind: 'removed', reason: 'meeting-ended', admission: undefined },
    { kind: 'closed', admission },
  ];

  it('keeps the public names the SDK always returned', () => {
    expect(phases.map(publicPhase)).toEqual([
      'new',
      'joining',
      'joined',
      'reconnecting',
      'left',
      'removed',
      'closed',
    ]);
  });

  it('tells live phases from those that are over, and keeps the admission once over', () => {
    expect(phases.filter(isLive).map((p) => p.kind)).toEqual(['joining', 'joined', 'reconnecting']);
    expect(phases.filter(isOver).map((p) => p.kind)).toEqual(['left', 'removed', 'closed']);
    expect(phases.map((p) => admissionOf(p) === admission)).toEqual([
      false,
      false,
      true,
      true,
      true,
      false,
      true,
    ]);
  });
});

describe('the standard mode', () => {
  it('installs the server media key for its relay id, wipes its copy, and is ready', async () => {
    const host = fakeHost();
    const mode = new StandardMode(host);
    expect(mode.e2ee).toBe(false);
    expect(mode.securityCode).toBeUndefined();
    expect(mode.leafIndex).toBe(7);
    await mode.handle({ type: 'media-key', meetingId: MEETING, epoch: '3', key: 'AQID' });
    expect(host.installed).toEqual([{ epoch: 3n, leaf: 7, key: [1, 2, 3] }]);
    expect(mode.epoch).toBe(3n);
    expect(host.epochs).toEqual([{ epoch: 3n, leafIndex: 7 }]);
    expect(host.readyCalls).toBe(1);
  });

  it('ignores a media key while out of the relay, and MLS messages', async () => {
    const host = fakeHost();
    const mode = new StandardMode(host);
    host.relayId = undefined;
    await mode.handle({ type: 'media-key', meetingId: MEETING, epoch: '1', key: 'AQID' });
    expect(host.installed).toEqual([]);
    expect(mode.epoch).toBeUndefined();
  });

  it('reads chat and media state through the server, but not its own echo', async () => {
    const host = fakeHost();
    const mode = new StandardMode(host);
    await mode.handle({
      type: 'chat',
      meetingId: MEETING,
      from: 'me',
      displayName: 'Me',
      text: 'echo',
      at: '2026-01-01T00:00:00Z',
    });
    await mode.handle({
      type: 'chat',
      meetingId: MEETING,
      from: 'bob',
      displayName: 'Bob',
      text: 'hi',
      at: '2026-01-01T00:00:00Z',
    });
    expect(host.chats.map((c) => c?.text)).toEqual(['hi']);
    const state: MediaState = { microphone: true, camera: false, screen: false };
    await mode.handle({ type: 'media-state', meetingId: MEETING, from: 'me', state });
    await mode.handle({ type: 'media-state', meetingId: MEETING, from: 'bob', state });
    expect(host.mediaStates.map((c) => c?.participantId)).toEqual(['bob']);
  });

  it('reads reactions and raised hands through the server, but not its own echo', async () => {
    const host = fakeHost();
    host.participants.replace([
      { participantId: 'bob', relayId: 8, userId: 'u-bob', displayName: 'Bob' },
    ]);
    const mode = new StandardMode(host);
    await mode.handle({ type: 'reaction', meetingId: MEETING, from: 'me', reaction: 'heart' });
    await mode.handle({ type: 'reaction', meetingId: MEETING, from: 'bob', reaction: 'applause' });
    expect(host.reactions).toEqual([
      {
        from: { participantId: 'bob', userId: 'u-bob', displayName: 'Bob' },
        reaction: 'applause',
        e2ee: false,
        receivedAt: 1_700_000_000_000,
      },
    ]);
    const raised: MediaState = { microphone: false, camera: false, screen: false, hand: true };
    await mode.handle({ type: 'media-state', meetingId: MEETING, from: 'bob', state: raised });
    const older: MediaState = { microphone: true, camera: false, screen: false };
    await mode.handle({ type: 'media-state', meetingId: MEETING, from: 'bob', state: older });
    expect(host.mediaStates.map((c) => c?.state)).toEqual([raised, older]);
  });

  it('sends reactions through the server and rejects not_joined when it cannot', async () => {
    const host = fakeHost();
    const mode = new StandardMode(host);
    await mode.sendReaction('thumbs-up');
    expect(host.sent).toEqual([{ type: 'reaction', meetingId: MEETING, reaction: 'thumbs-up' }]);
    host.sendWorks = false;
    await expect(mode.sendReaction('heart')).rejects.toMatchObject({ code: 'not_joined' });
  });

  it('sends chat through the server and rejects not_joined when it cannot', async () => {
    const host = fakeHost();
    const mode = new StandardMode(host);
    await mode.sendChat('hello');
    expect(host.sent).toEqual([{ type: 'chat', meetingId: MEETING, text: 'hello' }]);
    host.sendWorks = false;
    await expect(mode.sendChat('again')).rejects.toMatchObject({ code: 'not_joined' });
  });

  it('rejoins without a KeyPackage and recovers from nothing by itself', async () => {
    const mode = new StandardMode(fakeHost());
    expect(await mode.rejoin()).toEqual({ type: 'join', meetingId: MEETING });
    expect(mode.expectsRemoval()).toBe(false);
    expect(await mode.recovers()).toBe(false);
  });
});

describe('the E2EE mode', () => {
  it('never uses a server-held media key, nor chat or media state through the server', async () => {
    const host = fakeHost();
    const mode = new E2eeMode(host);
    expect(mode.e2ee).toBe(true);
    await mode.handle({ type: 'media-key', meetingId: MEETING, epoch: '1', key: 'AQID' });
    await mode.handle({
      type: 'chat',
      meetingId: MEETING,
      from: 'bob',
      displayName: 'Bob',
      text: 'x',
      at: '2026-01-01T00:00:00Z',
    });
    const state: MediaState = { microphone: true, camera: true, screen: false };
    await mode.handle({ type: 'media-state', meetingId: MEETING, from: 'bob', state });
    await mode.handle({ type: 'reaction', meetingId: MEETING, from: 'bob', reaction: 'laugh' });
    expect(host.installed).toEqual([]);
    expect(host.chats).toEqual([]);
    expect(host.mediaStates).toEqual([]);
    expect(host.reactions).toEqual([]);
    expect(mode.epoch).toBeUndefined();
  });

  it('fails a `joined` without MLS information, and has nothing to send before it has a leaf', async () => {
    const host = fakeHost();
    const mode = new E2eeMode(host);
    await mode.admitted({
      type: 'joined',
      meetingId: MEETING,
      participantId: 'me',
      relayId: 7,
      endToEndEncryption: true,
    });
    expect(host.failed.map((e) => e.code)).toEqual(['protocol']);
    expect(await mode.sendMediaState({ microphone: true, camera: false, screen: false })).toBe(
      false,
    );
    await expect(mode.sendChat('hello')).rejects.toMatchObject({ code: 'not_joined' });
    await expect(mode.sendReaction('heart')).rejects.toMatchObject({ code: 'not_joined' });
    expect(host.sent).toEqual([]);
  });

  it('does not mistake a removal for its own recovery, nor an error it did not cause', async () => {
    const mode = new E2eeMode(fakeHost());
    expect(mode.expectsRemoval('commit-failed')).toBe(false);
    expect(await mode.recovers('key_package_required')).toBe(false);
  });
});

describe('the media-state announcer', () => {
  it('says nothing before the application does, counts what went out, and drops unverified news', async () => {
    const clock = new ManualClock();
    const said: MediaState[] = [];
    const news: MediaStateChange[] = [];
    let canSay = false;
    const announcer = new MediaAnnouncer({
      clock,
      queue: new SerialQueue(),
      say: (state) => {
        if (canSay) said.push(state);
        return Promise.resolve(canSay);
      },
      news: (change) => news.push(change),
      report: (error) => {
        throw error;
      },
    });
    announcer.again();
    expect(announcer.own('me', 'u')).toBeUndefined();
    await announcer.set({ camera: true });
    expect(announcer.counts.sent).toBe(0); // not joined yet: kept for later
    canSay = true;
    announcer.again();
    await new SerialQueue().run(() => Promise.resolve());
    await announcer.set({ microphone: true });
    expect(said.at(-1)).toEqual({ microphone: true, camera: true, screen: false });
    expect(announcer.counts.sent).toBe(said.length);
    expect(announcer.own('me', 'u')?.state).toEqual({
      microphone: true,
      camera: true,
      screen: false,
    });
    const change = { participantId: 'bob', userId: 'b', state: said[0]!, at: 1 };
    announcer.received(change);
    announcer.received(change);
    announcer.received(undefined);
    expect(news).toEqual([change]);
    expect(announcer.counts).toMatchObject({ received: 2, dropped: 1 });
    expect(announcer.of('bob')).toEqual(change);
    announcer.forget('bob');
    expect(announcer.of('bob')).toBeUndefined();
  });
});
