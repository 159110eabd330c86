// The relay behind a real WebSocketServer on loopback, with real clients: what a participant on
// the wire sees, including a receiver that stops reading.
import { afterEach, describe, expect, it } from 'vitest';
import { encodeEnvelope, streamIdOf } from '../../../../packages/protocol/src/media/index.ts';
import {
  DEFAULT_HARD_LIMIT_BYTES,
  relayCloseCodes,
  sharedWebSocketSink,
  type RelayNotice,
} from '../../src/realtime/relay/index.ts';
import { controlOf, frame, seqOf } from './helpers.ts';
import { settle, startRelayServer, type RelayServer, type TestClient } from './ws-harness.ts';

const M = 'meeting-ws';
let server: RelayServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function meeting(
  count: number,
  options = {},
): Promise<{ server: RelayServer; clients: TestClient[] }> {
  server = await startRelayServer(options);
  const clients: TestClient[] = [];
  for (let id = 1; id <= count; id++) clients.push(await server.connect(M, id));
  return { server, clients };
}

const frames = (client: TestClient) =>
  client.received.filter((bytes) => seqOf(bytes) !== undefined);
const controls = (client: TestClient) => client.received.flatMap((bytes) => controlOf(bytes) ?? []);

describe('relay over WebSocket', () => {
  it('fans each frame out byte for byte to every other participant, never back to the sender', async () => {
    const { clients } = await meeting(4);
    const [sender, ...others] = clients as [TestClient, ...TestClient[]];
    const sent: Uint8Array[] = [];
    for (let seq = 0; seq < 60; seq++) {
      const bytes = frame({
        sender: 1,
        keyFrame: seq % 20 === 0,
        seq,
        size: 50 + seq * 97,
      });
      sent.push(bytes);
      sender.send(bytes);
    }
    for (const other of others) {
      await other.until(() => other.received.length === sent.length, 10_000, 'all frames');
      other.received.forEach((bytes, i) => expect(Buffer.compare(bytes, sent[i]!)).toBe(0));
    }
    // A frame the other way proves the sender's channel works and got nothing of its own.
    others[0]!.send(frame({ sender: 2, mediaKind: 'audio', seq: 1000 }));
    await sender.until(() => sender.received.length > 0);
    await settle(50);
    expect(sender.received.map(seqOf)).toEqual([1000]);
  });

  it('stops delivering to a removed participant from the very next frame', async () => {
    const { server, clients } = await meeting(3);
    const [sender, stays, removed] = clients as [TestClient, TestClient, TestClient];
    // Runs after the relay's own listener: frame 99 has been forwarded when the removal happens.
    server.serverSockets.get(1)!.on('message', (data: Buffer) => {
      if (seqOf(data) === 99) server.relay.leave(M, 3, 'removed');
    });
    for (let seq = 0; seq < 200; seq++) {
      sender.send(frame({ sender: 1, keyFrame: seq === 0, seq, size: 300 }));
    }
    await stays.until(() => stays.received.length === 200, 10_000, 'all frames');
    await removed.until(() => removed.closeCode !== undefined, 10_000, 'close');
    expect(frames(removed).map(seqOf)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(controls(removed)).toEqual([{ kind: 'removed', reason: 'removed' }]);
    expect(removed.closeCode).toBe(relayCloseCodes.removed);
    expect(server.relay.stats().participants).toBe(2);
  });

  it('removes a participant whose socket closes', async () => {
    const { server, clients } = await meeting(2);
    clients[1]!.ws.close();
    await clients[1]!.until(() => clients[1]!.closeCode !== undefined);
    await settle(50);
    expect(server.relay.stats().participants).toBe(1);
  });

  it('lets a stalled receiver lose frames while two fast ones get all of them and the sender never waits', async () => {
    const { server, clients } = await meeting(4);
    const [sender, fastA, fastB, slow] = clients as [
      TestClient,
      TestClient,
      TestClient,
      TestClient,
    ];
    slow.stall();
    const sent: Uint8Array[] = [];
    let seq = 0;
    let keyFrameRequested = false;
    const videoFrame = (keyFrame: boolean) => {
      const bytes = frame({
        sender: 1,
        keyFrame,
        seq: seq++,
        size: keyFrame ? 20_000 : 6_000,
      });
      sent.push(bytes);
      sender.send(bytes);
    };
    let maxSlowQueue = 0;
    let maxBatchMs = 0;
    // 150 batches of ~270 kB: ~40 MB, far more than the loopback socket buffers hold.
    for (let batch = 0; batch < 150; batch++) {
      const started = performance.now();
      for (let i = 0; i < 40; i++) {
        videoFrame(i === 0);
        const audio = frame({ sender: 1, mediaKind: 'audio', seq: seq++, size: 120 });
        sent.push(audio);
        sender.send(audio);
      }
      const expected = sent.length;
      await fastA.until(() => fastA.received.length === expected, 10_000, 'fast receiver A');
      await fastB.until(() => fastB.received.length === expected, 10_000, 'fast receiver B');
      maxBatchMs = Math.max(maxBatchMs, performance.now() - started);
      maxSlowQueue = Math.max(maxSlowQueue, server.serverSockets.get(4)!.bufferedAmount);
      expect(sender.ws.bufferedAmount).toBe(0);
    }
    for (const fast of [fastA, fastB]) {
      expect(fast.received).toHaveLength(sent.length);
      fast.received.forEach((bytes, i) => expect(Buffer.compare(bytes, sent[i]!)).toBe(0));
    }
    expect(maxBatchMs).toBeLessThan(5_000); // generous: the machine may be busy; a stalled sender fails above

    // Bounded: the relay never queued more for the stalled receiver than its hard limit.
    expect(maxSlowQueue).toBeGreaterThan(0);
    expect(maxSlowQueue).toBeLessThanOrEqual(DEFAULT_HARD_LIMIT_BYTES);
    const dropped = server.relay.stats().dropped;
    expect(dropped.soft_limit + dropped.hard_limit).toBeGreaterThan(0);

    // The receiver reads again: it gets what was queued, a strict subset in order.
    slow.resume();
    await settle(300);
    const slowSeqs = frames(slow).map(seqOf);
    expect(slowSeqs.length).toBeGreaterThan(0);
    expect(slowSeqs.length).toBeLessThan(sent.length / 2);
    expect([...slowSeqs].sort((a, b) => a! - b!)).toEqual(slowSeqs);

    // Its video is held until a key frame, and the relay asks the sender for one.
    sender.ws.on('message', (data: Buffer) => {
      if (controlOf(data)?.kind === 'key_frame_request') keyFrameRequested = true;
    });
    videoFrame(false);
    await sender.until(() => keyFrameRequested, 5_000, 'key-frame request');
    expect(controls(sender)).toContainEqual({
      kind: 'key_frame_request',
      streamId: streamIdOf(1, 'camera'),
    });
    videoFrame(true);
    videoFrame(false);
    const last = seq - 1;
    await slow.until(
      () => frames(slow).some((bytes) => seqOf(bytes) === last),
      5_000,
      'recovered stream',
    );
    expect(frames(slow).map(seqOf).slice(-2)).toEqual([last - 1, last]);
  });

  it('asks the sender for a key frame when a newcomer receives its first delta', async () => {
    const { server, clients } = await meeting(2);
    const [sender] = clients as [TestClient];
    sender.send(frame({ sender: 1, keyFrame: true, seq: 0 }));
    await clients[1]!.until(() => clients[1]!.received.length === 1);
    const newcomer = await server.connect(M, 3);
    sender.send(frame({ sender: 1, seq: 1 }));
    await sender.until(() => controls(sender).length > 0, 5_000, 'key-frame request');
    expect(controls(sender)).toEqual([
      { kind: 'key_frame_request', streamId: streamIdOf(1, 'camera') },
    ]);
    sender.send(frame({ sender: 1, keyFrame: true, seq: 2 }));
    await newcomer.until(() => newcomer.received.length === 1);
    expect(newcomer.received.map(seqOf)).toEqual([2]);
  });

  it('counts and drops garbage and keeps the connection', async () => {
    const { server, clients } = await meeting(2);
    const [noisy, other] = clients as [TestClient, TestClient];
    noisy.ws.send('not a frame');
    noisy.send(Uint8Array.of(0xc1, 0x02));
    noisy.send(new Uint8Array(64).map((_, i) => (i * 37) & 0xff));
    noisy.send(new Uint8Array(300 * 1024).fill(0xc1)); // over the envelope limit, under maxPayload
    noisy.send(Uint8Array.of(0xd1, 0x7f));
    noisy.send(frame({ sender: 1, keyFrame: true, seq: 42 }));
    await other.until(() => other.received.length === 1);
    expect(other.received.map(seqOf)).toEqual([42]);
    expect(noisy.ws.readyState).toBe(noisy.ws.OPEN);
    const stats = server.relay.stats();
    expect(stats.rejected).toMatchObject({ bad_magic: 2, truncated: 1, too_large: 1 });
    expect(stats.controlsRejected.malformed).toBe(1);
    expect(stats.participants).toBe(2);
  });

  it('drops a frame carrying another participant’s sender id', async () => {
    const { server, clients } = await meeting(3);
    const [, spoofer, victim] = clients as [TestClient, TestClient, TestClient];
    spoofer.send(frame({ sender: 1, keyFrame: true, seq: 1 }));
    spoofer.send(
      encodeEnvelope(
        {
          mediaKind: 'audio',
          keyFrame: false,
          layer: 0,
          streamId: streamIdOf(2, 'audio'),
          sender: 2,
          timestampUs: 0,
        },
        Uint8Array.of(0, 0, 0, 2),
      ),
    );
    await victim.until(() => victim.received.length === 1);
    await settle(50);
    expect(victim.received.map(seqOf)).toEqual([2]);
    expect(server.relay.stats().rejected.spoofed_sender).toBe(1);
    expect(spoofer.ws.readyState).toBe(spoofer.ws.OPEN);
  });

  it('refuses frames on another participant’s stream and tells the sender with a binary notice', async () => {
    const { server, clients } = await meeting(3);
    const [owner, squatter, receiver] = clients as [TestClient, TestClient, TestClient];
    const screen1 = streamIdOf(1, 'screen');
    for (let seq = 0; seq < 10; seq++) {
      squatter.send(
        frame({ sender: 2, streamId: screen1, mediaKind: 'screen', keyFrame: true, seq }),
      );
    }
    owner.send(frame({ sender: 1, mediaKind: 'screen', keyFrame: true, seq: 100 }));
    await receiver.until(() => receiver.received.length === 1);
    await squatter.until(() => controls(squatter).length === 1, 5_000, 'the refusal notice');
    await settle(50);
    expect(receiver.received.map(seqOf)).toEqual([100]);
    expect(controls(squatter)).toEqual([
      {
        kind: 'frame_refused',
        streamId: screen1,
        mediaKind: 'screen',
        reason: 'stream_not_owned',
        frames: 1,
      },
    ]);
    expect(controls(owner)).toEqual([]);
    expect(server.relay.stats().rejected.stream_not_owned).toBe(10);
    expect(squatter.ws.readyState).toBe(squatter.ws.OPEN);
  });

  it('closes a socket that sends a message far past the size limit', async () => {
    const { clients } = await meeting(1);
    clients[0]!.send(new Uint8Array(1024 * 1024));
    await clients[0]!.until(() => clients[0]!.closeCode !== undefined);
    expect(clients[0]!.closeCode).toBe(1009);
  });

  it('shares a signaling socket: frames as binary, notices to the signaling layer, socket left open', async () => {
    const notices: { participantId: number; notice: RelayNotice }[] = [];
    server = await startRelayServer({}, (relay, meetingId, participantId, socket) => {
      const sink = sharedWebSocketSink(socket, (notice) => notices.push({ participantId, notice }));
      const joined = relay.join(meetingId, participantId, sink);
      if (joined.kind !== 'joined') throw new Error('join failed');
      socket.on('message', (data: Buffer, isBinary) => {
        if (isBinary) joined.member.receive(data);
        else socket.send(`echo ${data.toString()}`); // stands in for the JSON signaling handler
      });
    });
    const sender = await server.connect(M, 1);
    const receiver = await server.connect(M, 2);
    sender.send(frame({ sender: 1, seq: 0 })); // a delta nobody can decode yet
    await settle(50);
    expect(notices).toEqual([
      {
        participantId: 1,
        notice: { kind: 'key_frame_request', streamId: streamIdOf(1, 'camera') },
      },
    ]);
    sender.send(frame({ sender: 1, keyFrame: true, seq: 1 }));
    await receiver.until(() => receiver.received.length === 1);
    server.relay.leave(M, 2, 'removed');
    expect(notices.at(-1)).toEqual({
      participantId: 2,
      notice: { kind: 'removed', reason: 'removed' },
    });
    receiver.ws.send('still there?');
    await receiver.until(() => receiver.received.length === 2);
    expect(receiver.received[1]!.toString()).toBe('echo still there?');
    expect(receiver.ws.readyState).toBe(receiver.ws.OPEN);
  });
});
