// The SDK's parts on their own: encodings (chat and media-state payloads), ordering, the participant table and sender binding,
// the signaling connection and reconnect policy on a manual clock, stores, the directory and the
// authentication service's refresh, the server-key pin and device restore.
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createMlsCrypto,
  encodeIdentity,
  InMemoryPinStore,
  keyFingerprint,
  type MemberIdentity,
  type RosterEntry,
} from '@conclave/crypto/member';
import { describe, expect, it } from 'vitest';
import { bytesEqual, fromBase64, toBase64 } from '../src/bytes.ts';
import { ClientError, MemoryStore, streamIdFor, type WebSocketLike } from '../src/index.ts';
import { refreshingAuthenticator } from '../src/identity/authenticator.ts';
import { loadOrRegisterDevice } from '../src/identity/device.ts';
import { LiveDirectory } from '../src/identity/directory.ts';
import { checkServerKey } from '../src/identity/pins.ts';
import type { FrameProtector } from '../src/media/frame-protector.ts';
import { MediaSession } from '../src/media/media-session.ts';
import { SenderBinding } from '../src/media/sender-binding.ts';
import { decodeAppPayload, encodeAppPayload } from '../src/meeting/app-payload.ts';
import { decodeChat, encodeChat } from '../src/meeting/chat.ts';
import { Connector } from '../src/meeting/connector.ts';
import { MediaStates, mergeMediaState, NOTHING_ON } from '../src/meeting/media-state.ts';
import { ParticipantTable } from '../src/meeting/participants.ts';
import { SerialQueue } from '../src/meeting/serial-queue.ts';
import { FileStore } from '../src/node.ts';
import { ENVELOPE_HEADER_BYTES, MAX_ENVELOPE_BYTES } from '../src/wire.ts';
import type { DirectoryView, RestClient } from '../src/rest/rest-client.ts';
import { SignalingConnection } from '../src/transport/signaling.ts';
import { ManualClock, flush } from './support/manual-clock.ts';

describe('base64', () => {
  it('matches Node for every length and refuses what is not standard padded base64', () => {
    for (let n = 0; n < 70; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
      const text = toBase64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64'));
      expect(bytesEqual(fromBase64(text)!, bytes)).toBe(true);
    }
    for (const bad of ['abc', 'ab=c', 'a===', '@@@@', 'ab-_', 'AA==AA==', 'é123'])
      expect(fromBase64(bad)).toBeUndefined();
  });
});

/**
 * Waits until nothing is left in the queue, including the once-task the last change asked for:
 * `idle()` covers only what was queued when it was called, and on a loaded machine the once-task
 * waits for a fresh turn (fair-turns.ts) after that point.
 */
async function settled(queue: SerialQueue): Promise<void> {
  for (let round = 0; round < 5; round++) {
    await queue.idle();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function busyFor(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // Spinning on purpose: the slice must be used up without yielding.
  }
}

describe('SerialQueue', () => {
  it('runs tasks one at a time in order, and a failing task does not stop the next', async () => {
    const queue = new SerialQueue();
    const order: string[] = [];
    const slow = queue.run(async () => {
      await new Promise((r) => setTimeout(r, 20));
      order.push('slow');
    });
    const failing = queue.run(() => {
      order.push('failing');
      throw new Error('boom');
    });
    const fast = queue.run(() => order.push('fast'));
    await expect(failing).rejects.toThrow('boom');
    await slow;
    await fast;
    expect(order).toEqual(['slow', 'failing', 'fast']);
  });

  it('runs a once-task once after what is queued, however often it is asked for meanwhile', async () => {
    const failures: unknown[] = [];
    const queue = new SerialQueue((error) => failures.push(error));
    const seen: number[] = [];
    let state = 0;
    // A burst of 100 queued changes, each asking for an announcement as it is handled.
    for (let i = 1; i <= 100; i++) {
      void queue.run(() => {
        // The last change outlasts a fair turn, as on a loaded machine: what follows waits for a
        // fresh turn, and the once-task still runs once, after the last change.
        if (i === 100) busyFor(40);
        state = i;
        queue.runOnce('announce', () => seen.push(state));
      });
    }
    await settled(queue);
    expect(seen).toEqual([100]);
    // A change after the announcement ran is announced again.
    void queue.run(() => {
      state = 101;
      queue.runOnce('announce', () => seen.push(state));
    });
    queue.runOnce('other', () => {
      throw new Error('listener bug');
    });
    await settled(queue);
    expect(seen).toEqual([100, 101]);
    expect(failures).toHaveLength(1);
  });
});

describe('chat payload', () => {
  it('round-trips and refuses anything else', () => {
    expect(decodeChat(encodeChat({ text: 'héllo', leafIndex: 3 }))).toEqual({
      text: 'héllo',
      leafIndex: 3,
    });
    for (const bad of [
      '{}',
      '{"v":2,"text":"x","leaf":0}',
      '{"v":1,"text":5,"leaf":0}',
      '{"v":1,"text":"x","leaf":-1}',
      'not json',
    ]) {
      expect(decodeChat(new TextEncoder().encode(bad))).toBeUndefined();
    }
    expect(decodeChat(Uint8Array.of(0xff, 0xfe))).toBeUndefined();
  });
});

describe('media-state payload', () => {
  const utf8 = (text: string) => new TextEncoder().encode(text);
  const muted = { microphone: false, camera: true, screen: false };

  it('is its own kind beside chat, which keeps its first shape', () => {
    const media = encodeAppPayload({ kind: 'media', state: muted, leafIndex: 2 });
    expect(JSON.parse(new TextDecoder().decode(media))).toEqual({
      v: 1,
      kind: 'media',
      leaf: 2,
      mic: false,
      cam: true,
      screen: false,
    });
    expect(decodeAppPayload(media)).toEqual({ kind: 'media', state: muted, leafIndex: 2 });
    // Chat from a client that predates kinds, and a media state as such a client would read it.
    expect(decodeAppPayload(utf8('{"v":1,"text":"hi","leaf":0}'))).toEqual({
      kind: 'chat',
      text: 'hi',
      leafIndex: 0,
    });
    expect(JSON.parse(new TextDecoder().decode(encodeChat({ text: 'x', leafIndex: 1 })))).toEqual({
      v: 1,
      text: 'x',
      leaf: 1,
    });
    expect(decodeChat(media)).toBeUndefined();
    for (const bad of [
      '{"v":1,"kind":"media","leaf":0,"mic":1,"cam":true,"screen":false}',
      '{"v":1,"kind":"media","leaf":0,"mic":true,"cam":true}',
      '{"v":1,"kind":"media","leaf":-1,"mic":true,"cam":true,"screen":true}',
      '{"v":1,"kind":"poll","leaf":0,"text":"x"}',
      '{"v":2,"kind":"media","leaf":0,"mic":true,"cam":true,"screen":true}',
      'null',
    ]) {
      expect(decodeAppPayload(utf8(bad))).toBeUndefined();
    }
  });

  it('merges partial updates and refuses what is not a boolean', () => {
    expect(mergeMediaState(NOTHING_ON, { camera: true })).toEqual({
      microphone: false,
      camera: true,
      screen: false,
    });
    expect(mergeMediaState(muted, {})).toEqual(muted);
    expect(() => mergeMediaState(NOTHING_ON, { screen: 1 as unknown as boolean })).toThrow(
      ClientError,
    );
  });

  it('reports a participant’s state only when it is news', () => {
    const states = new MediaStates();
    const at = (n: number, state = muted) => ({ participantId: 'p', userId: 'u', state, at: n });
    expect(states.record(at(1))).toEqual(at(1));
    expect(states.record(at(2))).toBeUndefined();
    expect(states.get('p')?.at).toBe(1);
    expect(states.record(at(3, NOTHING_ON))?.state).toEqual(NOTHING_ON);
    states.keepOnly(new Set(['q']));
    expect(states.get('p')).toBeUndefined();
  });
});

describe('stream ids', () => {
  it('differ per relay id and kind', () => {
    const ids = new Set<number>();
    for (let relay = 1; relay < 200; relay++)
      for (const kind of ['audio', 'camera', 'screen'] as const) ids.add(streamIdFor(relay, kind));
    expect(ids.size).toBe(199 * 3);
  });
});

describe('MediaSession', () => {
  it('does not send an envelope the relay would refuse as too large, and says why', async () => {
    const sent: Uint8Array[] = [];
    // A protector that adds nothing, so the envelope is the header plus exactly the data.
    const ring = {
      currentEpoch: 0n,
      protect: (_context: number, plaintext: Uint8Array) =>
        Promise.resolve({ kind: 'ok', frame: plaintext, kid: 0n, ctr: 0n }),
    } as unknown as FrameProtector;
    const session = new MediaSession({
      clock: new ManualClock(),
      ring: () => ring,
      binding: new SenderBinding('standard', new ParticipantTable()),
      relayId: () => 1,
      send: (bytes) => sent.push(bytes) > 0,
      bufferedAmount: () => 0,
      describe: (relayId, leafIndex) => ({ relayId, leafIndex }),
    });
    const largest = MAX_ENVELOPE_BYTES - ENVELOPE_HEADER_BYTES;
    expect(await session.publish('screen', new Uint8Array(largest), { keyFrame: true })).toEqual({
      kind: 'sent',
      streamId: streamIdFor(1, 'screen'),
      bytes: MAX_ENVELOPE_BYTES,
      kid: expect.any(BigInt) as unknown,
    });
    expect(await session.publish('screen', new Uint8Array(largest + 1))).toEqual({
      kind: 'not_sent',
      reason: 'too_large',
    });
    expect(sent.map((bytes) => bytes.length)).toEqual([MAX_ENVELOPE_BYTES]);
    expect(session.stats.totals).toMatchObject({ sent: 1, notSent: 1 });
  });
});

const identity = (userId: string, deviceId = `${userId}-device`): MemberIdentity => ({
  tenantId: 't',
  userId,
  deviceId,
});
const entry = (leafIndex: number, userId: string, deviceId?: string): RosterEntry => ({
  leafIndex,
  identity: identity(userId, deviceId),
  signaturePublicKey: new Uint8Array(32),
  fingerprint: `fp-${leafIndex}`,
  self: false,
});
const participant = (relayId: number, userId: string) => ({
  participantId: `p${relayId}`,
  userId,
  displayName: userId,
  relayId,
});

describe('ParticipantTable', () => {
  it('follows the full list and the increments', () => {
    const table = new ParticipantTable();
    table.replace([participant(1, 'alice'), participant(2, 'bob')]);
    table.add(participant(3, 'bob'));
    expect(table.byRelay(3)?.userId).toBe('bob');
    table.remove('p2');
    expect(table.byRelay(2)).toBeUndefined();
    expect(table.all().map((p) => p.relayId)).toEqual([1, 3]);
    // A relay id reused by someone else replaces the old participant entirely.
    table.add({ participantId: 'p9', userId: 'carol', displayName: 'carol', relayId: 1 });
    expect(table.byId('p1')).toBeUndefined();
  });
});

describe('SenderBinding', () => {
  it('E2EE: a relay id may send only under a leaf of the same user, and pairings stick', () => {
    const table = new ParticipantTable();
    table.replace([participant(1, 'alice'), participant(2, 'bob'), participant(3, 'bob')]);
    const binding = new SenderBinding('e2ee', table);
    binding.setRoster([entry(0, 'alice'), entry(1, 'bob', 'phone'), entry(2, 'bob', 'laptop')]);
    expect(binding.check(1, 0)).toBe('ok');
    expect(binding.check(2, 0)).toBe('sender_mismatch');
    expect(binding.check(9, 0)).toBe('unknown_sender');
    expect(binding.check(1, 7)).toBe('sender_mismatch');
    // Bob has two devices: the first frame that decrypts pairs relay and leaf for good.
    expect(binding.check(2, 1)).toBe('ok');
    binding.confirm(2, 1);
    expect(binding.check(2, 2)).toBe('sender_mismatch');
    expect(binding.check(3, 1)).toBe('sender_mismatch');
    expect(binding.check(3, 2)).toBe('ok');
    // Bob's phone leaves the group: its pairing goes with it.
    binding.setRoster([entry(0, 'alice'), entry(2, 'bob', 'laptop')]);
    expect(binding.relayOf(1)).toBeUndefined();
    expect(binding.check(2, 2)).toBe('ok');
    table.remove('p2');
    binding.participantsChanged();
    expect(binding.check(2, 2)).toBe('unknown_sender');
  });

  it('standard meetings: the key id sender is the relay id', () => {
    const binding = new SenderBinding('standard', new ParticipantTable());
    expect(binding.check(5, 5)).toBe('ok');
    expect(binding.check(5, 6)).toBe('sender_mismatch');
  });
});

class FakeSocket implements WebSocketLike {
  readyState = 0;
  bufferedAmount = 0;
  binaryType = 'blob';
  sent: string[] = [];
  closedWith: number | undefined;
  onopen: ((event: unknown) => void) | null = null;
  onclose: ((event: { readonly code: number; readonly reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  onmessage: ((event: { readonly data: unknown }) => void) | null = null;
  send(data: string | Uint8Array): void {
    this.sent.push(typeof data === 'string' ? data : '<binary>');
  }
  close(code?: number): void {
    this.closedWith = code;
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  drop(): void {
    this.readyState = 3;
    this.onclose?.({ code: 1006, reason: '' });
  }
}

const hello = {
  type: 'hello' as const,
  token: 't',
  deviceId: 'd',
  client: { platform: 'linux' as const, version: '1', e2eeMedia: true },
};

/** A connection over `socket` with no pings: the opening handshake is what these tests look at. */
function connectionOver(socket: FakeSocket): SignalingConnection {
  return new SignalingConnection({
    url: 'ws://x',
    factory: () => socket,
    clock: new ManualClock(),
    hello,
  });
}

describe('SignalingConnection', () => {
  it('says hello first, resolves on ready, pings, and gives up on a silent server', async () => {
    const clock = new ManualClock();
    const socket = new FakeSocket();
    const connection = new SignalingConnection({
      url: 'ws://x',
      factory: () => socket,
      clock,
      hello,
      pingIntervalMs: 1_000,
      silenceTimeoutMs: 3_500,
    });
    const closed: { dead: boolean }[] = [];
    connection.events.on('closed', (e) => closed.push(e));
    const opening = connection.open();
    socket.open();
    expect(JSON.parse(socket.sent[0]!)).toEqual(hello);
    socket.receive({ type: 'ready', userId: 'u', deviceId: 'd' });
    await expect(opening).resolves.toMatchObject({ type: 'ready' });
    await clock.advance(1_000);
    expect(JSON.parse(socket.sent[1]!)).toMatchObject({ type: 'ping' });
    socket.receive({ type: 'pong', nonce: 1 });
    await clock.advance(3_000);
    expect(closed).toEqual([]);
    await clock.advance(2_000);
    expect(closed).toEqual([{ code: 4000, reason: 'silent', dead: true }]);
    expect(connection.send({ type: 'leave', meetingId: 'm' })).toBe(false);
  });

  it('rejects with not_authenticated when the server answers hello with an error, and ignores invalid messages', async () => {
    const socket = new FakeSocket();
    const connection = connectionOver(socket);
    const invalid: string[] = [];
    connection.events.on('invalid', (e) => invalid.push(e.code));
    const opening = connection.open();
    socket.open();
    socket.onmessage?.({ data: '{"type":"mystery"}' });
    socket.receive({ type: 'error', code: 'unauthenticated', message: 'no' });
    await expect(opening).rejects.toMatchObject({
      code: 'not_authenticated',
      serverCode: 'unauthenticated',
    });
    expect(invalid).toEqual(['bad_message']);
  });

  it('says what the close said when the socket closes before ready', async () => {
    const socket = new FakeSocket();
    const connection = connectionOver(socket);
    const opening = connection.open();
    socket.drop();
    const failure = await opening.catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'connection_failed' });
    expect(((failure as Error).cause as Error).message).toBe('closed (1006)');
  });
});

describe('Connector', () => {
  it('reconnects with doubling delays and gives up after the last attempt', async () => {
    const clock = new ManualClock();
    const sockets: FakeSocket[] = [];
    const connector = new Connector({
      url: 'ws://x',
      factory: () => {
        const socket = new FakeSocket();
        sockets.push(socket);
        return socket;
      },
      clock,
      hello,
      reconnect: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000, jitter: 0 },
    });
    const log: string[] = [];
    connector.events.on('dropped', () => log.push('dropped'));
    connector.events.on('reconnecting', (e) =>
      log.push(`attempt ${e.attempt} at ${clock.now() % 100_000}`),
    );
    connector.events.on('connected', (e) => log.push(`connected resumed=${e.resumed}`));
    connector.events.on('lost', (e) => log.push(`lost ${e.code}`));
    const starting = connector.start();
    sockets[0]!.open();
    sockets[0]!.receive({ type: 'ready', userId: 'u', deviceId: 'd' });
    await starting;
    sockets[0]!.drop();
    await flush();
    await clock.advance(100);
    // The first retry fails at once; the second waits 200 ms more and succeeds.
    sockets[1]!.drop();
    await flush();
    await clock.advance(200);
    sockets[2]!.open();
    sockets[2]!.receive({ type: 'ready', userId: 'u', deviceId: 'd' });
    await flush();
    expect(log).toEqual([
      'connected resumed=false',
      'dropped',
      'attempt 1 at 100',
      'attempt 2 at 300',
      'connected resumed=true',
    ]);
    expect(connector.reconnects).toBe(1);
    // Now every attempt fails: after 3 attempts (100 + 200 + 400 ms) the connector gives up.
    sockets[2]!.drop();
    for (const delay of [100, 200, 400]) {
      await flush();
      await clock.advance(delay);
      sockets.at(-1)!.drop();
    }
    await flush();
    expect(log.at(-1)).toBe('lost connection_failed');
  });
});

describe('Connector, the default policy', () => {
  function connectorWith(random: () => number) {
    const clock = new ManualClock();
    const sockets: FakeSocket[] = [];
    const connector = new Connector({
      url: 'ws://x',
      factory: () => {
        const socket = new FakeSocket();
        sockets.push(socket);
        return socket;
      },
      clock,
      hello,
      reconnect: { random },
    });
    const waits: { attempt: number; delayMs: number; reason: string }[] = [];
    connector.events.on('waiting', (w) => waits.push(w));
    const lost: string[] = [];
    connector.events.on('lost', (e) => lost.push(e.code));
    return { clock, sockets, connector, waits, lost };
  }

  async function started(sockets: FakeSocket[], connector: Connector): Promise<void> {
    const starting = connector.start();
    sockets[0]!.open();
    sockets[0]!.receive({ type: 'ready', userId: 'u', deviceId: 'd' });
    await starting;
  }

  it('keeps trying for as long as the user stays, each delay capped at 5 s less a random part', async () => {
    const randoms = [0, 0.999, 0.5];
    let n = 0;
    const { clock, sockets, connector, waits, lost } = connectorWith(() => randoms[n++ % 3]!);
    await started(sockets, connector);
    sockets[0]!.drop();
    // Sixty failed attempts in a row: five minutes of outage, well past the old limit of eight.
    for (let i = 0; i < 60; i++) {
      await flush();
      await clock.advance(waits.at(-1)!.delayMs);
      sockets.at(-1)!.drop();
    }
    await flush();
    expect(lost).toEqual([]);
    expect(waits.length).toBeGreaterThan(60);
    const late = waits.slice(10).map((w) => w.delayMs);
    expect(Math.max(...late)).toBe(5_000);
    expect(Math.min(...late)).toBeGreaterThanOrEqual(2_500);
    expect(new Set(late).size).toBeGreaterThan(1);
    expect(waits.every((w) => w.reason === 'connection_lost')).toBe(true);
    // The server is back: the next attempt holds, and the meeting resumes.
    const resumed: boolean[] = [];
    connector.events.on('connected', (c) => resumed.push(c.resumed));
    await clock.advance(waits.at(-1)!.delayMs);
    sockets.at(-1)!.open();
    sockets.at(-1)!.receive({ type: 'ready', userId: 'u', deviceId: 'd' });
    await flush();
    expect(resumed).toEqual([true]);
    connector.close();
  });

  it('after `server-restarting` says so and retries within a second, not after the long back-off', async () => {
    const { clock, sockets, connector, waits } = connectorWith(() => 0);
    const dropped: string[] = [];
    connector.events.on('dropped', (d) => dropped.push(d.reason));
    await started(sockets, connector);
    sockets[0]!.receive({ type: 'server-restarting' });
    sockets[0]!.drop();
    for (let i = 0; i < 12; i++) {
      await flush();
      await clock.advance(waits.at(-1)!.delayMs);
      sockets.at(-1)!.drop();
    }
    await flush();
    expect(dropped).toEqual(['server_restarting']);
    expect(waits.every((w) => w.reason === 'server_restarting')).toBe(true);
    expect(Math.max(...waits.map((w) => w.delayMs))).toBe(1_000);
    // Once a connection holds again, a later unexplained drop backs off as usual.
    await clock.advance(waits.at(-1)!.delayMs);
    sockets.at(-1)!.open();
    sockets.at(-1)!.receive({ type: 'ready', userId: 'u', deviceId: 'd' });
    await flush();
    sockets.at(-1)!.drop();
    await flush();
    expect(dropped.at(-1)).toBe('connection_lost');
    connector.close();
  });
});

describe('FileStore', () => {
  it('keeps values in owner-only files named by a hash, whatever the key length', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'conclave-store-'));
    try {
      const store = new FileStore(join(dir, 'nested'));
      const key = `pin:${'ab'.repeat(300)}`;
      await store.set(key, Uint8Array.of(1, 2, 3));
      expect([...(await store.get(key))!]).toEqual([1, 2, 3]);
      const files = await readdir(join(dir, 'nested'));
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/^[0-9a-f]{64}$/);
      expect((await stat(join(dir, 'nested', files[0]!))).mode & 0o777).toBe(0o600);
      expect((await stat(join(dir, 'nested'))).mode & 0o777).toBe(0o700);
      await store.delete(key);
      expect(await store.get(key)).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

function directoryRest(
  view: () => DirectoryView,
): Pick<RestClient, 'directory'> & { calls: number } {
  const rest = {
    calls: 0,
    directory() {
      rest.calls++;
      return Promise.resolve(view());
    },
  };
  return rest;
}

describe('the directory and the authentication service', () => {
  it('admits only this tenant’s known devices of the right user, and refreshes at most once a second', async () => {
    const clock = new ManualClock();
    const key = new Uint8Array(32).fill(7);
    let users: DirectoryView['users'] = [{ id: 'alice', displayName: 'Alice', devices: [] }];
    const rest = directoryRest(() => ({ users }));
    const directory = new LiveDirectory({ rest, tenantId: 't', clock, signed: noMeetingList });
    const auth = refreshingAuthenticator(directory, new InMemoryPinStore(), clock);
    const alice = identity('alice', 'laptop');
    await directory.refresh();
    expect(rest.calls).toBe(1);
    // Alice registers her laptop after the meeting started: the lookup re-reads the directory
    // once the interval passed (waiting for it: no refusal on the stale copy), and admits her.
    users = [
      {
        id: 'alice',
        displayName: 'Alice',
        devices: [{ id: 'laptop', signaturePublicKey: toBase64(key) }],
      },
    ];
    const finding = auth.authenticate(encodeIdentity(alice), key);
    await flush();
    expect(rest.calls).toBe(1);
    await clock.advance(1_000);
    expect(await finding).toMatchObject({
      kind: 'accepted',
      firstUse: true,
    });
    expect(rest.calls).toBe(2);
    expect(directory.displayName('alice')).toBe('Alice');
    // Another tenant, or the device under another user, is never admitted.
    expect(directory.lookup({ ...alice, tenantId: 'other' })).toEqual({ kind: 'unknown_device' });
    expect(directory.lookup({ ...alice, userId: 'mallory' })).toEqual({ kind: 'unknown_device' });
  });

  it('pins the server key on first use and reports a change', async () => {
    const store = new MemoryStore();
    const server = {
      identity: { tenantId: 't', serverId: 's' },
      publicKey: new Uint8Array(32).fill(1),
    };
    expect(await checkServerKey(store, 'https://a', 't', server)).toBe('first-use');
    expect(await checkServerKey(store, 'https://a', 't', server)).toBe('same');
    expect(
      await checkServerKey(store, 'https://a', 't', {
        ...server,
        publicKey: new Uint8Array(32).fill(2),
      }),
    ).toBe('changed');
    expect(
      await checkServerKey(store, 'https://b', 't', {
        ...server,
        publicKey: new Uint8Array(32).fill(2),
      }),
    ).toBe('first-use');
  });
});

describe('the device identity', () => {
  it('is restored from the store while the server knows it, and registered anew otherwise', async () => {
    const crypto = await createMlsCrypto();
    const devices: { id: string; signaturePublicKey: string }[] = [];
    const rest = {
      server: 'https://s',
      devices: () =>
        Promise.resolve(
          devices.map((d) => ({ ...d, name: 'x', createdAt: new Date().toISOString() })),
        ),
      registerDevice: (name: string, signaturePublicKey: string) => {
        const device = { id: `device-${devices.length + 1}`, signaturePublicKey };
        devices.push(device);
        return Promise.resolve({ ...device, name, createdAt: new Date().toISOString() });
      },
    } as unknown as RestClient;
    const user = { id: 'u1', tenantId: 't1' } as Parameters<typeof loadOrRegisterDevice>[0]['user'];
    const store = new MemoryStore();
    const first = await loadOrRegisterDevice({ rest, store, crypto, user, deviceName: 'test' });
    expect(first.identity).toEqual({ tenantId: 't1', userId: 'u1', deviceId: 'device-1' });
    const again = await loadOrRegisterDevice({ rest, store, crypto, user, deviceName: 'test' });
    expect(again.identity.deviceId).toBe('device-1');
    expect(keyFingerprint(again.keyPair.publicKey)).toBe(keyFingerprint(first.keyPair.publicKey));
    devices.length = 0; // the server forgot it
    const fresh = await loadOrRegisterDevice({ rest, store, crypto, user, deviceName: 'test' });
    expect(fresh.identity.deviceId).toBe('device-1');
    expect(keyFingerprint(fresh.keyPair.publicKey)).not.toBe(
      keyFingerprint(first.keyPair.publicKey),
    );
    // Another user on the same store gets a device of their own.
    const other = await loadOrRegisterDevice({
      rest,
      store,
      crypto,
      user: { ...user, id: 'u2' },
      deviceName: 'test',
    });
    expect(other.identity.userId).toBe('u2');
  });
});

describe('ClientError', () => {
  it('has a stable code and a message that carries only the server code', () => {
    const error = new ClientError('join_blocked', {
      reasons: [{ code: 'MEETING_FULL', severity: 'error', message: 'Full.' }],
      serverCode: 'X',
    });
    expect(error.code).toBe('join_blocked');
    expect(error.message).toBe('the server refused the join (X)');
    expect(error.reasons[0]?.code).toBe('MEETING_FULL');
  });
});

/** These directories read no meeting admission list, so no signed statement is ever checked. */
const noMeetingList = {
  read: () => Promise.reject(new Error('no meeting admission list in this test')),
};
