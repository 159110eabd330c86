// One participant worker of `conclave load`, in its own process: its share of the N SDK clients
// connect, then on the parent's `go` all join one meeting at once (the join storm, started at the
// same moment in every worker); the first few send synthetic media, all count what they decrypt.
// The worker reports a compact status while the storm settles, and the parent — which sees every
// worker — decides when it has converged. See load-protocol.ts for the message sequence.
import { ConclaveClient, MemoryStore } from '@conclave/client';
import { nodeWebSocketFactory } from '@conclave/client/node';
import { workerStatus, type ParticipantState, type WorkerStatus } from './convergence.ts';
import type { ParentMessage, StartLoad, WorkerMessage } from './load-protocol.ts';
import { HeadlessParticipant } from './participant.ts';

const STATUS_INTERVAL_MS = 50;
/** Frames still in flight when the senders stop. */
const DRAIN_MS = 300;

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (process.send === undefined) resolve();
    else process.send(message, undefined, undefined, () => resolve());
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The parent's messages, taken in the order the protocol sends them. */
class Inbox {
  readonly #queued: ParentMessage[] = [];
  #waiting: ((message: ParentMessage) => void) | undefined;

  push(message: ParentMessage): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (waiting === undefined) this.#queued.push(message);
    else waiting(message);
  }

  async next<T extends ParentMessage['type']>(
    type: T,
  ): Promise<Extract<ParentMessage, { type: T }>> {
    const message =
      this.#queued.shift() ??
      (await new Promise<ParentMessage>((resolve) => (this.#waiting = resolve)));
    if (message.type !== type)
      throw new Error(`expected the parent's '${type}', got '${message.type}'`);
    return message as Extract<ParentMessage, { type: T }>;
  }
}

/** A participant of this worker, with what the convergence judgement needs kept up to date. */
class Tracked {
  readonly participant: HeadlessParticipant;
  #settled = false;
  /** From the meeting's `roster` events: building the roster on demand costs O(n²). */
  #rosterLength = 0;

  constructor(participant: HeadlessParticipant) {
    this.participant = participant;
  }

  async join(meetingId: string, timeoutMs: number): Promise<void> {
    const joining = this.participant.join(meetingId, { timeoutMs });
    this.participant.meeting?.on('roster', (roster) => (this.#rosterLength = roster.length));
    const joined = await joining;
    if (joined) this.#rosterLength = this.participant.meeting?.roster.length ?? 0;
    this.#settled = true;
  }

  state(): ParticipantState {
    if (!this.#settled) return { kind: 'joining' };
    const meeting = this.participant.meeting;
    if (!this.participant.joined || meeting === undefined) return { kind: 'failed' };
    return {
      kind: 'joined',
      epoch: meeting.epoch?.toString() ?? null,
      securityCode: meeting.securityCode ?? null,
      rosterLength: this.#rosterLength,
    };
  }
}

async function run(inbox: Inbox): Promise<void> {
  const start: StartLoad = await inbox.next('start');
  const webSocket = nodeWebSocketFactory();
  const clients = await Promise.all(
    start.accounts.map((account) =>
      ConclaveClient.connect({
        server: account.server ?? start.server,
        auth: { token: account.token },
        store: new MemoryStore(),
        webSocket,
        deviceName: 'conclave load',
      }),
    ),
  );
  const tracked = clients.map(
    (client, i) => new Tracked(new HeadlessParticipant(client, { sendMedia: i < start.senders })),
  );
  await send({ type: 'ready' });

  await inbox.next('go');
  const joins = tracked.map((t) => t.join(start.meetingId, start.joinTimeoutMs));
  let sent: string | undefined;
  const reportStatus = () => {
    const status: WorkerStatus = workerStatus(tracked.map((t) => t.state()));
    const serialised = JSON.stringify(status);
    if (serialised === sent) return;
    sent = serialised;
    void send({ type: 'status', status });
  };
  reportStatus();
  const ticker = setInterval(reportStatus, STATUS_INTERVAL_MS);

  const { durationMs } = await inbox.next('measure');
  clearInterval(ticker);
  await sleep(durationMs);
  const participants = tracked.map((t) => t.participant);
  for (const p of participants) p.stopMedia();
  await sleep(DRAIN_MS);
  await send({ type: 'report', reports: participants.map((p) => p.report()) });

  // Nobody leaves before every worker has taken its reports: a leave is a new epoch for the rest.
  await inbox.next('leave');
  await Promise.all(participants.map((p) => p.leave().catch(() => undefined)));
  await Promise.all(joins);
  for (const p of participants) p.close();
}

const inbox = new Inbox();
process.on('message', (message: ParentMessage) => inbox.push(message));
// The parent is gone (killed, or it gave up on this run): never outlive it.
process.on('disconnect', () => process.exit(1));
run(inbox).then(
  () => process.exit(0),
  async (error: unknown) => {
    await send({
      type: 'error',
      message: error instanceof Error ? error.message : String(error),
    });
    process.exit(1);
  },
);
