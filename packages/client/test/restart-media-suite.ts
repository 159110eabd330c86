// Media after the server is killed (SIGKILL) or stopped (SIGTERM) and started again ~3 s later
// on the same port and data: four SDK participants of an E2EE meeting keep publishing, reconnect
// by themselves and resume the same group — and the restarted server hands out relay ids in
// reconnect order, so old relay ids now belong to other people. Every sender→receiver pair must
// decrypt again within 5 s of the server answering /readyz (issue 16, item 1).
// restart-media.test.ts runs it on SQLite, restart-media.pg.test.ts on PostgreSQL.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Meeting, WebSocketFactory } from '../src/index.ts';
import { nodeWebSocketFactory } from '../src/node.ts';
import { until } from './support/people.ts';
import { realPerson, signIn, startedMeeting, type RealPerson } from './support/real-server.ts';

const script = fileURLToPath(new URL('./support/restartable-server.ts', import.meta.url));

export interface RestartDatabase {
  readonly dataDir: string;
  /** PostgreSQL; SQLite in `dataDir` when absent. */
  readonly databaseUrl?: string;
  drop(): Promise<void>;
}

/** Fast retries, so a client is back within a moment of the server: this tests the binding. */
const reconnect = { maxAttempts: 200, baseDelayMs: 100, maxDelayMs: 400 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class ServerProcess {
  child: ChildProcess | undefined;

  constructor(private readonly db: RestartDatabase) {}

  async start(port: number): Promise<{ url: string; admin?: { email: string; password: string } }> {
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      env: {
        ...process.env,
        CONCLAVE_TEST_DATA_DIR: this.db.dataDir,
        CONCLAVE_TEST_DATABASE_URL: this.db.databaseUrl ?? '',
        CONCLAVE_TEST_PORT: String(port),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.child = child;
    const stdout = child.stdout;
    if (stdout === null) throw new Error('no stdout');
    for await (const line of createInterface({ input: stdout })) {
      return JSON.parse(line) as { url: string; admin?: { email: string; password: string } };
    }
    throw new Error('the server process exited before listening');
  }

  async stop(signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
  }
}

async function readyAt(url: string, deadlineMs: number): Promise<number> {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    const status = await fetch(`${url}/readyz`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return Date.now();
    await sleep(50);
  }
  throw new Error('the restarted server never became ready');
}

/** A socket factory that, while `open` is false, dials a closed port (the server seems down). */
function gated(): { factory: WebSocketFactory; open: boolean } {
  const real = nodeWebSocketFactory();
  const gate = {
    open: true,
    factory: (url: string) => {
      if (gate.open) return real(url);
      const away = new URL(url);
      away.port = '1';
      return real(away.toString());
    },
  };
  return gate;
}

/** When each receiver last decrypted a frame from each sender (by name). */
class PairClock {
  readonly #last = new Map<string, number>();

  watch(receiver: string, meeting: Meeting, people: readonly RealPerson[]): void {
    meeting.on('frame', (frame) => {
      const sender = people.find((p) => p.userId === frame.sender.userId);
      if (sender !== undefined) this.#last.set(`${sender.name}→${receiver}`, Date.now());
    });
  }

  /** The sender→receiver pairs that decrypted nothing since `since`. */
  silentSince(since: number, names: readonly string[]): string[] {
    const silent: string[] = [];
    for (const sender of names) {
      for (const receiver of names) {
        if (sender === receiver) continue;
        if ((this.#last.get(`${sender}→${receiver}`) ?? 0) <= since) {
          silent.push(`${sender}→${receiver}`);
        }
      }
    }
    return silent;
  }
}

/** Every participant publishes an audio frame every 40 ms until stopped (not-sent is fine). */
function publishing(meetings: readonly Meeting[]): () => void {
  const timer = setInterval(() => {
    for (const m of meetings) {
      m.publish('audio', Uint8Array.of(1, 2, 3, 4)).catch(() => undefined);
    }
  }, 40);
  return () => clearInterval(timer);
}

export function defineRestartMediaSuite(name: string, database: () => Promise<RestartDatabase>) {
  describe(`media after a server restart on ${name}`, () => {
    for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
      it(`every sender→receiver pair decrypts again within 5 s of /readyz after ${signal}`, async () => {
        const db = await database();
        const server = new ServerProcess(db);
        const people: RealPerson[] = [];
        let stopPublishing = () => undefined as void;
        try {
          const first = await server.start(0);
          const port = Number(new URL(first.url).port);
          const admin = first.admin;
          if (admin === undefined) throw new Error('a fresh database must create the first admin');
          const world = {
            url: first.url,
            adminToken: await signIn(first.url, admin.email, admin.password),
          };
          const gates = ['alice', 'bob', 'carol', 'dave'].map(() => gated());
          for (const [i, personName] of ['alice', 'bob', 'carol', 'dave'].entries()) {
            people.push(await realPerson(world, personName, { webSocket: gates[i]!.factory }));
          }
          const meetingId = await startedMeeting(world, people[0]!, people.slice(1), true);
          const meetings: Meeting[] = [];
          for (const p of people) meetings.push(await p.client.join(meetingId, { reconnect }));
          await until(
            meetings,
            () => meetings.every((m) => m.epoch === 3n && m.roster.length === 4),
            30_000,
            'four in the group at epoch 3',
          );
          const names = people.map((p) => p.name);
          const userIds = people.map((p) => p.userId);
          const pairs = new PairClock();
          for (const [i, m] of meetings.entries()) pairs.watch(names[i]!, m, people);
          stopPublishing = publishing(meetings);
          const beforeRestart = Date.now();
          await until(
            meetings,
            () => pairs.silentSince(beforeRestart, names).length === 0,
            20_000,
            'every pair decrypting before the restart',
          );
          const relayBefore = new Map(meetings.map((m, i) => [m.relayId, userIds[i]]));
          const codeBefore = meetings[0]!.securityCode;

          // alice (relay id 1) comes back last, so her old relay id goes to somebody else.
          gates[0]!.open = false;
          await server.stop(signal);
          await sleep(3_000);
          const joinedAgain = new Set<number>();
          for (const [i, m] of meetings.entries()) m.on('joined', () => joinedAgain.add(i));
          await server.start(port);
          const ready = await readyAt(first.url, 30_000);
          await until(
            meetings,
            () => [1, 2, 3].every((i) => joinedAgain.has(i)),
            30_000,
            'the others back',
          );
          gates[0]!.open = true;

          const silentAfterReady = () => pairs.silentSince(ready, names).join(', ');
          await until(
            meetings,
            () => pairs.silentSince(ready, names).length === 0,
            Math.max(ready + 5_000 - Date.now(), 1),
            'every pair decrypting within 5 s of /readyz',
          ).catch((error: unknown) => {
            throw new Error(`${(error as Error).message}; silent: ${silentAfterReady()}`);
          });

          // Whatever was said stalled while bindings caught up is cleared once every pair plays.
          await until(
            meetings,
            () => meetings.every((m) => m.stats().stalledSenders.length === 0),
            10_000,
            'no sender left stalled',
          );

          // The fault really happened: old relay ids now belong to other people.
          const reassigned = meetings.filter((m, i) => {
            const before = relayBefore.get(m.relayId);
            return before !== undefined && before !== userIds[i];
          });
          expect(reassigned.length).toBeGreaterThan(0);
          // Same group, same epoch line: nobody rekeyed.
          expect(new Set(meetings.map((m) => m.securityCode))).toEqual(new Set([codeBefore]));
        } finally {
          stopPublishing();
          for (const p of people) p.client.close();
          await server.stop('SIGKILL');
          await db.drop();
        }
      });
    }
  });
}
