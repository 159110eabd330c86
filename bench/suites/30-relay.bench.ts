// Relay fan-out in a meeting of 50 on loopback: one sender pushes video frames (1,200 B deltas, a
// 12 kB key frame every 90 frames) through a real WebSocket server to 49 real receivers. The
// baseline is a plain `ws` broadcast loop serving the same clients in the same run. The servers
// run in a child process (this file, started with --relay-bench-server) so they get their own
// core and their CPU time can be measured apart from the clients'.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { WebSocket, WebSocketServer } from 'ws';
import {
  decodeControl,
  encodeEnvelope,
  streamIdOf,
} from '../../packages/protocol/src/media/index.ts';
import {
  MediaRelay,
  attachWebSocket,
  relayWebSocketOptions,
  type RelayStats,
} from '../../apps/server/src/realtime/relay/index.ts';
import type { Bench } from '../harness.ts';

export const name = 'relay';

const SERVER_FLAG = '--relay-bench-server';
const HOST = '127.0.0.1';
const MEETING = 'bench';
const RECEIVERS = 49;
const DELTA_BYTES = 1_200;
const KEY_FRAME_BYTES = 12_000;
const KEY_FRAME_EVERY = 90;
/** Frames per batch, and batches the sender keeps in flight (about 77 kB per receiver). */
const BATCH = 16;
const IN_FLIGHT = 4;
const WARM_UP_MS = 700;
const MEASURE_MS = 3_000;
const ROUNDS = 2;
/** The sender is relay id 1; the relay binds its camera stream to it. */
const CAMERA = streamIdOf(1, 'camera');

type Mode = 'raw' | 'relay';

interface Measurement {
  deliveriesPerSecond: number;
  megabytesPerSecond: number;
  /** Server CPU time (user + system) per 1,000 deliveries, in ms. */
  cpuMsPer1000: number;
  stalls: number;
}

// ---- server side (child process) ----

type ServerRequest = { kind: 'cpu' } | { kind: 'stats' };
type ServerReply =
  | { kind: 'ports'; raw: number; relay: number }
  | { kind: 'cpu'; micros: number }
  | { kind: 'stats'; stats: RelayStats };

async function serve(): Promise<void> {
  const relay = new MediaRelay();
  const relayServer = new WebSocketServer({ host: HOST, port: 0, ...relayWebSocketOptions });
  relayServer.on('connection', (socket, request) => {
    const id = Number(new URL(request.url ?? '/', `http://${HOST}`).searchParams.get('id'));
    attachWebSocket(relay, MEETING, id, socket);
  });
  // The baseline: what any WebSocket broadcast does, with nothing checked.
  const rawServer = new WebSocketServer({ host: HOST, port: 0, ...relayWebSocketOptions });
  rawServer.on('connection', (socket) => {
    socket.on('message', (data: Buffer) => {
      for (const client of rawServer.clients) {
        if (client !== socket && client.readyState === WebSocket.OPEN)
          client.send(data, { binary: true });
      }
    });
  });
  await Promise.all([once(relayServer, 'listening'), once(rawServer, 'listening')]);
  const reply = (message: ServerReply) => process.send?.(message);
  process.on('message', (request: ServerRequest) => {
    if (request.kind === 'cpu') {
      const usage = process.cpuUsage();
      reply({ kind: 'cpu', micros: usage.user + usage.system });
    } else {
      reply({ kind: 'stats', stats: relay.stats() });
    }
  });
  process.on('disconnect', () => process.exit(0));
  reply({
    kind: 'ports',
    raw: (rawServer.address() as AddressInfo).port,
    relay: (relayServer.address() as AddressInfo).port,
  });
}

if (process.argv.includes(SERVER_FLAG)) await serve();

// ---- client side (the bench process) ----

class ServerProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly ports: Record<Mode, number>,
  ) {}

  static async start(): Promise<ServerProcess> {
    const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
    const child = fork(fileURLToPath(import.meta.url), [SERVER_FLAG], {
      cwd: repoRoot,
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const [message] = (await once(child, 'message')) as [ServerReply];
    if (message.kind !== 'ports') throw new Error('relay bench server did not start');
    return new ServerProcess(child, { raw: message.raw, relay: message.relay });
  }

  async ask<K extends ServerRequest['kind']>(kind: K): Promise<Extract<ServerReply, { kind: K }>> {
    const answer = once(this.child, 'message') as Promise<[Extract<ServerReply, { kind: K }>]>;
    this.child.send({ kind });
    return (await answer)[0];
  }

  async stop(): Promise<void> {
    const exited = once(this.child, 'exit');
    this.child.disconnect();
    await exited;
  }
}

/** One sender and 49 receivers on one server; the sender keeps IN_FLIGHT batches unacknowledged. */
async function measure(server: ServerProcess, mode: Mode): Promise<Measurement> {
  const url = (id: number) => `ws://${HOST}:${server.ports[mode]}/media?id=${id}`;
  const connect = async (id: number) => {
    const ws = new WebSocket(url(id), { perMessageDeflate: false });
    await once(ws, 'open');
    return ws;
  };
  const sender = await connect(1);
  const receivers = await Promise.all(Array.from({ length: RECEIVERS }, (_, i) => connect(i + 2)));

  let seq = 0;
  let wantKeyFrame = true;
  let counting = false;
  let deliveries = 0;
  let bytes = 0;
  let stalls = 0;
  const batchLast: number[] = []; // last seq of each batch sent
  const batchDone: number[] = []; // receivers that have passed it
  let completed = 0; // batches every receiver has passed
  let running = true;
  let stallTimer: NodeJS.Timeout | undefined;

  const sendBatch = () => {
    for (let i = 0; i < BATCH; i++) {
      const keyFrame = wantKeyFrame || seq % KEY_FRAME_EVERY === 0;
      wantKeyFrame = false;
      const payload = new Uint8Array(keyFrame ? KEY_FRAME_BYTES : DELTA_BYTES);
      new DataView(payload.buffer).setUint32(0, seq);
      const frame = encodeEnvelope(
        {
          mediaKind: 'camera',
          keyFrame,
          layer: 0,
          streamId: CAMERA, // the sender's own: the relay refuses any other
          sender: 1,
          timestampUs: seq * 33_333,
        },
        payload,
      );
      sender.send(frame, { binary: true });
      seq++;
    }
    batchLast.push(seq - 1);
    batchDone.push(0);
  };
  const pump = () => {
    if (stallTimer !== undefined) clearTimeout(stallTimer);
    while (running && batchLast.length - completed < IN_FLIGHT) sendBatch();
    // A receiver waiting for a key frame may never pass a batch: do not wait on it forever.
    stallTimer = setTimeout(() => {
      if (!running) return;
      stalls++;
      completed = Math.max(completed, batchLast.length - IN_FLIGHT + 1);
      pump();
    }, 200);
  };

  sender.on('message', (data: Buffer) => {
    const decoded = decodeControl(data);
    if (decoded.kind === 'ok' && decoded.control.kind === 'key_frame_request') wantKeyFrame = true;
  });
  for (const receiver of receivers) {
    let nextBatch = 0;
    receiver.on('message', (data: Buffer) => {
      if (counting) {
        deliveries++;
        bytes += data.length;
      }
      const frameSeq = data.readUInt32BE(20); // first bytes of the payload, same for both servers
      let advanced = false;
      while (nextBatch < batchLast.length && frameSeq >= batchLast[nextBatch]!) {
        if (++batchDone[nextBatch]! === RECEIVERS && nextBatch === completed) advanced = true;
        nextBatch++;
      }
      if (advanced) {
        while (completed < batchLast.length && batchDone[completed] === RECEIVERS) completed++;
        pump();
      }
    });
  }

  pump();
  await sleep(WARM_UP_MS);
  const cpuBefore = (await server.ask('cpu')).micros;
  counting = true;
  const started = performance.now();
  await sleep(MEASURE_MS);
  counting = false;
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = (await server.ask('cpu')).micros;
  running = false;
  clearTimeout(stallTimer);
  for (const ws of [sender, ...receivers]) ws.terminate();
  await sleep(100);
  return {
    deliveriesPerSecond: deliveries / seconds,
    megabytesPerSecond: bytes / seconds / 1e6,
    cpuMsPer1000: deliveries === 0 ? 0 : (cpuAfter - cpuBefore) / 1000 / (deliveries / 1000),
    stalls,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

export async function run(bench: Bench): Promise<void> {
  const server = await ServerProcess.start();
  try {
    const results: Record<Mode, Measurement[]> = { raw: [], relay: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of ['raw', 'relay'] as const) {
        bench.progress(
          `relay: round ${round + 1}/${ROUNDS}, ${mode} server, 1 → ${RECEIVERS} receivers`,
        );
        results[mode].push(await measure(server, mode));
      }
    }
    const stats = (await server.ask('stats')).stats;
    const dropped = Object.values(stats.dropped).reduce((sum, n) => sum + n, 0);
    const refused = Object.values(stats.rejected).reduce((sum, n) => sum + n, 0);
    if (refused > 0) throw new Error(`the relay refused ${refused} of the sender's frames`);
    const stalls = [...results.raw, ...results.relay].reduce((sum, m) => sum + m.stalls, 0);
    bench.progress(
      `relay: ${stats.framesReceived} frames in, ${dropped} deliveries dropped, ` +
        `${stats.keyFrameRequests.sent} key-frame requests, ${stalls} sender stalls`,
    );
    const avg = (mode: Mode, key: keyof Measurement) => mean(results[mode].map((m) => m[key]));
    bench.record(
      'relay fan-out 1→49, frames delivered/s',
      avg('relay', 'deliveriesPerSecond'),
      'frames/s',
      avg('raw', 'deliveriesPerSecond'),
    );
    bench.record(
      'relay fan-out 1→49, MB/s delivered',
      avg('relay', 'megabytesPerSecond'),
      'MB/s',
      avg('raw', 'megabytesPerSecond'),
    );
    bench.record(
      'relay fan-out 1→49, server CPU per 1000 frames',
      avg('relay', 'cpuMsPer1000'),
      'ms',
      avg('raw', 'cpuMsPer1000'),
    );
  } finally {
    await server.stop();
  }
}
