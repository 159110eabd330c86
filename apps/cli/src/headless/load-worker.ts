// One participant worker of `conclave load`, in its own process: its share of the N SDK clients
// connect, then on the parent's `go` all join one meeting at once (the join storm, started at the
// same moment in every worker); the first few send synthetic media, all count what they decrypt.
// The worker reports a compact status while the storm settles, and the parent — which sees every
// worker — decides when it has converged. See load-protocol.ts for the message sequence.
import { ConclaveClient, MemoryStore } from '@conclave/client';
import { nodeWebSocketFactory } from '@conclave/client/node';
import { windowOf, type FrameCounts } from './churn.ts';
import { workerStatus, type ParticipantState, type WorkerStatus } from './convergence.ts';
import type { ChurnEvent, ParentMessage, StartLoad, WorkerMessage } from './load-protocol.ts';
import { watchRemovals } from './cutoff-watch.ts';
import { PeakMemory } from './client-memory.ts';
import { HeapPauses } from './heap-pauses.ts';
import { TakeTurns } from './mls-turns.ts';
import { HeadlessParticipant } from './participant.ts';
import type { DepartureRecord } from './removal-cutoff.ts';

const STATUS_INTERVAL_MS = 50;
/** Frames still in flight when the senders stop. */
const DRAIN_MS = 300;
/** After the last join or leave of --churn: how long those present get to agree on one epoch. */
const SETTLE_MS = 10_000;

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
    ...types: T[]
  ): Promise<Extract<ParentMessage, { type: T }>> {
    const message =
      this.#queued.shift() ??
      (await new Promise<ParentMessage>((resolve) => (this.#waiting = resolve)));
    if (!types.includes(message.type as T))
      throw new Error(`expected the parent's '${types.join("' or '")}', got '${message.type}'`);
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
    if (!this.participant.joined || meeting === undefined)
      return { kind: 'failed', why: this.participant.notInBecause() };
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
  const heapPauses = new HeapPauses();
  const turns = new TakeTurns(heapPauses);
  if (start.turnsFromStart === true) turns.switchOn();
  const connect = (account: StartLoad['accounts'][number]) =>
    ConclaveClient.connect({
      server: account.server ?? start.server,
      auth: { token: account.token },
      store: new MemoryStore(),
      webSocket,
      deviceName: 'conclave load',
      mlsTurns: turns.run,
    });
  const clients = await Promise.all(start.accounts.map(connect));
  const tracked = clients.map((client, i) => {
    const sends = i < start.senders;
    const receives = sends || start.othersReceive !== false;
    return new Tracked(
      new HeadlessParticipant(client, {
        sendMedia: sends,
        receiveMedia: receives,
        mediaOnJoin: start.mediaAfterConvergence !== true,
      }),
    );
  });
  const churners = (await Promise.all((start.churners ?? []).map(connect))).map(
    (client) => new Tracked(new HeadlessParticipant(client, { sendMedia: false })),
  );
  await send({ type: 'ready' });

  await inbox.next('go');
  const joins = tracked.map((t) => t.join(start.meetingId, start.joinTimeoutMs));
  let sent: string | undefined;
  const memory = new PeakMemory();
  const reportStatus = () => {
    memory.sample();
    const status: WorkerStatus = {
      ...workerStatus(tracked.map((t) => t.state())),
      mlsSteps: turns.steps,
    };
    const serialised = JSON.stringify(status);
    if (serialised === sent) return;
    sent = serialised;
    void send({ type: 'status', status });
  };
  reportStatus();
  const ticker = setInterval(reportStatus, STATUS_INTERVAL_MS);

  const { durationMs, churn = [], leavers = [], stepped = false } = await inbox.next('measure');
  // Stepped departures: the parent judges from the statuses when the meeting has settled.
  if (!stepped) clearInterval(ticker);
  const everyone = [...tracked, ...churners];
  const participants = everyone.map((t) => t.participant);
  for (const p of participants) p.startMedia();
  const atStart = participants.map((p): FrameCounts | undefined =>
    p.joined ? p.report().frames : undefined,
  );
  const epochAt = () => tracked[0]?.participant.meeting?.epoch?.toString() ?? null;
  const epochAtStart = epochAt();
  const left = everyone.map(() => false);
  const watches = tracked
    .slice(0, start.senders)
    .filter((t) => t.participant.meeting !== undefined)
    .map((t) => watchRemovals(t.participant, leavers));
  const leaves: DepartureRecord[] = [];
  if (stepped) {
    turns.switchOn();
    await runDepartures(inbox, tracked, { left, leaves });
    clearInterval(ticker);
  } else {
    const churning = runChurn(churn, tracked, churners, { left, leaves }, start);
    await sleep(durationMs);
    await churning;
    if (churn.length > 0) await settle(everyone.filter((_, i) => !left[i]));
  }
  const cutoffs = { leaves, senders: watches.map((w) => w.stop()) };
  for (const p of participants) p.stopMedia();
  await sleep(DRAIN_MS);
  const reports = participants.map((p) => p.report());
  await send({
    type: 'report',
    reports,
    windows: reports.map((r, i) => windowOf(atStart[i], r.frames)),
    left,
    epochs: { start: epochAtStart, end: epochAt() },
    cutoffs,
    excludedPauses: turns.excluded,
    memory: { peakRssMb: memory.peakMb(), participants: participants.length },
  });
  heapPauses.stop();

  // Nobody leaves before every worker has taken its reports: a leave is a new epoch for the rest.
  await inbox.next('leave');
  await Promise.all(participants.map((p) => p.leave().catch(() => undefined)));
  await Promise.all(joins);
  for (const p of participants) p.close();
}

/** The joins and leaves of --churn, each at its time from now; resolves when all are done. */
async function runChurn(
  events: readonly ChurnEvent[],
  tracked: readonly Tracked[],
  churners: readonly Tracked[],
  record: { readonly left: boolean[]; readonly leaves: DepartureRecord[] },
  start: StartLoad,
): Promise<void> {
  const began = Date.now();
  await Promise.all(
    events.map(async (event) => {
      await sleep(Math.max(0, began + event.atMs - Date.now()));
      if (event.kind === 'join') {
        await churners[event.index]?.join(start.meetingId, start.joinTimeoutMs);
        return;
      }
      const leaver = tracked[event.index]?.participant;
      if (leaver === undefined) return;
      record.left[event.index] = true;
      record.leaves.push({ userId: leaver.client.user.id, kind: 'leave', at: Date.now() });
      await leaver.leave().catch(() => undefined);
    }),
  );
}

/**
 * --removals: the parent's departures, one at a time until `finish`. The request's send time is
 * the start of the removal cut-off on the wall clock (removal-cutoff.ts).
 */
async function runDepartures(
  inbox: Inbox,
  tracked: readonly Tracked[],
  record: { readonly left: boolean[]; readonly leaves: DepartureRecord[] },
): Promise<void> {
  const holding = (userId: string) =>
    tracked.findIndex((t) => t.participant.client.user.id === userId);
  for (;;) {
    const message = await inbox.next('depart', 'finish');
    if (message.type === 'finish') return;
    const { userId } = message;
    const mine = holding(userId);
    if (mine >= 0) record.left[mine] = true;
    if (message.kind === 'leave') {
      const leaver = tracked[mine]?.participant;
      if (leaver === undefined) continue;
      record.leaves.push({ userId, kind: 'leave', at: Date.now() });
      void leaver.leave().catch(() => undefined);
      continue;
    }
    const organizer = tracked[holding(message.by)]?.participant.meeting;
    const target = organizer?.participants.find((p) => p.userId === userId);
    if (organizer === undefined || target === undefined) continue;
    record.leaves.push({ userId, kind: 'remove', at: Date.now() });
    void organizer.removeParticipant(target.participantId).catch(() => undefined);
  }
}

/** Waits (a while at most) until those still present agree on one epoch and security code. */
async function settle(present: readonly Tracked[]): Promise<void> {
  const deadline = Date.now() + SETTLE_MS;
  const key = (t: Tracked) => {
    const state = t.state();
    return state.kind === 'joined' ? `${state.epoch}|${state.securityCode}` : state.kind;
  };
  while (Date.now() < deadline && new Set(present.map(key)).size > 1) await sleep(50);
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
