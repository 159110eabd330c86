// Fan-out across a cluster (issue 11): one sender and 49 receivers of one standard meeting, with
// every socket on the meeting's host (the baseline: what one node does), then with the receivers
// spread over three nodes (a third on each) — the same clients, cluster and offered load, in the
// same run. Flow control as in the relay suite: the sender keeps 4 batches of 16 video frames in
// flight until every receiver has passed them. Needs CONCLAVE_TEST_PG_URL and Debian's
// nats-server; skipped (with a line saying so) without them.
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';
import { encodeEnvelope, streamIdOf } from '../../packages/protocol/src/media/index.ts';
import { TestCluster } from '../../packages/client/test/support/cluster.ts';
import { api, signIn } from '../../packages/client/test/support/real-server.ts';
import type { Bench } from '../harness.ts';

export const name = 'cluster';

const RECEIVERS = 49;
const DELTA_BYTES = 1_200;
const KEY_FRAME_BYTES = 12_000;
const KEY_FRAME_EVERY = 90;
const BATCH = 16;
const IN_FLIGHT = 4;
const WARM_UP_MS = 1_000;
const MEASURE_MS = 3_000;
const ROUNDS = 2;

interface Participant {
  readonly userId: string;
  readonly token: string;
  readonly deviceId: string;
}

interface Joined {
  readonly socket: WebSocket;
  readonly relayId: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A signed-in user with a registered device (a random key: a standard meeting never uses it). */
async function participant(url: string, adminToken: string, i: number): Promise<Participant> {
  const email = `bench-${i}-${randomBytes(3).toString('hex')}@example.org`;
  const password = `bench-password-${i}-1234`;
  const { user } = await api<{ user: { id: string } }>(
    { url },
    adminToken,
    'POST',
    '/api/admin/users',
    {
      email,
      displayName: `bench ${i}`,
      premium: true,
      password,
      // The bench signs in as these users: not an admin's one-use password to change first.
      mustChangePassword: false,
    },
  );
  const token = await signIn(url, email, password);
  const { device } = await api<{ device: { id: string } }>({ url }, token, 'POST', '/api/devices', {
    name: 'bench',
    signaturePublicKey: randomBytes(32).toString('base64'),
  });
  return { userId: user.id, token, deviceId: device.id };
}

/** Opens the signaling socket on `url`, says hello, joins; resolves with the relay id. */
async function join(url: string, who: Participant, meetingId: string): Promise<Joined> {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/api/realtime`, {
    perMessageDeflate: false,
  });
  await once(socket, 'open');
  socket.send(
    JSON.stringify({
      type: 'hello',
      token: who.token,
      deviceId: who.deviceId,
      client: { platform: 'linux', version: '1.0.0', e2eeMedia: true },
    }),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('join timed out')), 30_000);
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) return;
      const message = JSON.parse(data.toString('utf8')) as { type: string; relayId?: number };
      if (message.type === 'ready') socket.send(JSON.stringify({ type: 'join', meetingId }));
      if (message.type === 'joined' && message.relayId !== undefined) {
        clearTimeout(timer);
        resolve({ socket, relayId: message.relayId });
      }
      if (message.type === 'error' || message.type === 'join-blocked') {
        clearTimeout(timer);
        reject(new Error(`join refused: ${data.toString('utf8')}`));
      }
    });
  });
}

/** Deliveries per second to the receivers, the sender keeping IN_FLIGHT batches unpassed. */
async function measure(sender: Joined, receivers: readonly Joined[]): Promise<number> {
  const stream = streamIdOf(sender.relayId, 'camera');
  let seq = 0;
  let counting = false;
  let deliveries = 0;
  let running = true;
  const batchLast: number[] = [];
  const batchDone: number[] = [];
  let completed = 0;
  let stallTimer: NodeJS.Timeout | undefined;
  const sendBatch = () => {
    for (let i = 0; i < BATCH; i++) {
      const keyFrame = seq % KEY_FRAME_EVERY === 0;
      const payload = new Uint8Array(keyFrame ? KEY_FRAME_BYTES : DELTA_BYTES);
      new DataView(payload.buffer).setUint32(0, seq);
      sender.socket.send(
        encodeEnvelope(
          {
            mediaKind: 'camera',
            keyFrame,
            layer: 0,
            streamId: stream,
            sender: sender.relayId,
            timestampUs: seq * 33_333,
          },
          payload,
        ),
        { binary: true },
      );
      seq++;
    }
    batchLast.push(seq - 1);
    batchDone.push(0);
  };
  const pump = () => {
    if (stallTimer !== undefined) clearTimeout(stallTimer);
    while (running && batchLast.length - completed < IN_FLIGHT) sendBatch();
    stallTimer = setTimeout(() => {
      if (!running) return;
      completed = Math.max(completed, batchLast.length - IN_FLIGHT + 1);
      pump();
    }, 200);
  };
  const listeners = receivers.map((receiver) => {
    let nextBatch = 0;
    const listener = (data: Buffer, isBinary: boolean) => {
      if (!isBinary || data.length < 24) return;
      if (counting) deliveries++;
      const frameSeq = data.readUInt32BE(20);
      let advanced = false;
      while (nextBatch < batchLast.length && frameSeq >= batchLast[nextBatch]!) {
        if (++batchDone[nextBatch]! === receivers.length && nextBatch === completed)
          advanced = true;
        nextBatch++;
      }
      if (advanced) {
        while (completed < batchLast.length && batchDone[completed] === receivers.length)
          completed++;
        pump();
      }
    };
    receiver.socket.on('message', listener);
    return () => receiver.socket.off('message', listener);
  });
  pump();
  await sleep(WARM_UP_MS);
  counting = true;
  const started = performance.now();
  await sleep(MEASURE_MS);
  counting = false;
  running = false;
  clearTimeout(stallTimer);
  for (const off of listeners) off();
  await sleep(300); // let what is in flight arrive before the next round counts
  return deliveries / ((performance.now() - started - 300) / 1000);
}

export async function run(bench: Bench): Promise<void> {
  if (!process.env.CONCLAVE_TEST_PG_URL || !existsSync('/usr/sbin/nats-server')) {
    bench.progress('cluster: skipped (needs CONCLAVE_TEST_PG_URL and /usr/sbin/nats-server)');
    return;
  }
  bench.progress('cluster: starting nats-server and three nodes');
  const cluster = await TestCluster.start();
  const sockets: WebSocket[] = [];
  try {
    const admin = cluster.admin;
    if (admin === undefined) throw new Error('no first admin');
    const hostUrl = cluster.node('node-a').url;
    const adminToken = await signIn(hostUrl, admin.email, admin.password);
    bench.progress(`cluster: ${RECEIVERS + 1} participants`);
    const people: Participant[] = [];
    for (let i = 0; i <= RECEIVERS; i++) people.push(await participant(hostUrl, adminToken, i));
    const organizer = people[0]!;
    const start = async () => {
      const { meeting } = await api<{ meeting: { id: string } }>(
        { url: hostUrl },
        organizer.token,
        'POST',
        '/api/meetings',
        {
          subject: 'fan-out',
          options: { endToEndEncryption: false },
          invitees: people.slice(1).map((p) => p.userId),
        },
      );
      await api({ url: hostUrl }, organizer.token, 'POST', `/api/meetings/${meeting.id}/start`);
      return meeting.id;
    };
    const layouts = {
      single: () => hostUrl,
      spread: (i: number) => cluster.nodes[i % 3]!.url,
    };
    const results: Record<keyof typeof layouts, number[]> = { single: [], spread: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const layout of ['single', 'spread'] as const) {
        bench.progress(`cluster: round ${round + 1}/${ROUNDS}, receivers ${layout}`);
        const meetingId = await start();
        // The sender joins first, through node-a: node-a hosts the meeting.
        const sender = await join(hostUrl, organizer, meetingId);
        const receivers: Joined[] = [];
        for (let i = 1; i <= RECEIVERS; i++)
          receivers.push(await join(layouts[layout](i), people[i]!, meetingId));
        sockets.push(sender.socket, ...receivers.map((r) => r.socket));
        results[layout].push(await measure(sender, receivers));
        for (const r of [sender, ...receivers]) r.socket.close();
      }
    }
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    bench.record(
      'cluster fan-out 1→49 over 3 nodes, frames delivered/s (vs all on one node)',
      mean(results.spread),
      'frames/s',
      mean(results.single),
    );
  } finally {
    for (const socket of sockets) socket.terminate();
    await cluster.close();
  }
}
