// The participant side of `conclave load`, in its own process: N SDK clients join one meeting at
// once (a join storm), the first few send synthetic media, all count what they decrypt; then the
// reports go back to the parent over IPC.
import { ConclaveClient, MemoryStore } from '@conclave/client';
import { nodeWebSocketFactory } from '@conclave/client/node';
import { HeadlessParticipant } from './participant.ts';
import type { StartLoad, WorkerMessage } from './load-protocol.ts';

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (process.send === undefined) resolve();
    else process.send(message, undefined, undefined, () => resolve());
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Everyone admitted agrees on one epoch and security code, and lists everyone admitted. */
function converged(participants: readonly HeadlessParticipant[]): boolean {
  const joined = participants.filter((p) => p.joined);
  if (joined.length === 0) return false;
  const first = joined[0]!.meeting!;
  return joined.every((p) => {
    const m = p.meeting!;
    return (
      m.epoch === first.epoch &&
      m.securityCode === first.securityCode &&
      m.roster.length === joined.length
    );
  });
}

async function run(start: StartLoad): Promise<void> {
  const webSocket = nodeWebSocketFactory();
  const clients = await Promise.all(
    start.accounts.map((account) =>
      ConclaveClient.connect({
        server: start.server,
        auth: { token: account.token },
        store: new MemoryStore(),
        webSocket,
        deviceName: 'conclave load',
      }),
    ),
  );
  const participants = clients.map(
    (client, i) => new HeadlessParticipant(client, { sendMedia: i < start.senders }),
  );
  let joined = 0;
  let failed = 0;
  const began = Date.now();
  await Promise.all(
    participants.map(async (p) => {
      if (await p.join(start.meetingId, { timeoutMs: start.joinTimeoutMs })) joined++;
      else failed++;
      void send({ type: 'progress', joined, failed, total: participants.length });
    }),
  );
  let convergedMs: number | null = null;
  const deadline = Date.now() + start.joinTimeoutMs;
  while (Date.now() < deadline) {
    if (converged(participants)) {
      convergedMs = Date.now() - began;
      break;
    }
    await sleep(50);
  }
  await send({ type: 'converged', ms: convergedMs });
  await sleep(start.durationMs);
  for (const p of participants) p.stopMedia();
  await sleep(300); // frames in flight
  const reports = participants.map((p) => p.report());
  await Promise.all(participants.map((p) => p.leave().catch(() => undefined)));
  for (const p of participants) p.close();
  await send({ type: 'result', reports, convergedMs });
}

process.once('message', (message: StartLoad) => {
  run(message).then(
    () => process.exit(0),
    async (error: unknown) => {
      await send({
        type: 'error',
        message: error instanceof Error ? error.message : String(error),
      });
      process.exit(1);
    },
  );
});
