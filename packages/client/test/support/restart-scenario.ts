// Four SDK participants of an E2EE meeting on a server in its own process, publishing audio all
// the time, and the server killed (SIGKILL) or stopped (SIGTERM) and started again on the same
// port and data. Shared by the restart-media tests and `npm run bench` (time to recover); free of
// test-runner imports for that reason.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Meeting, ReconnectPolicy, WebSocketFactory } from '../../src/index.ts';
import { nodeWebSocketFactory } from '../../src/node.ts';
import { until } from './people.ts';
import { realPerson, signIn, startedMeeting, type RealPerson } from './real-server.ts';

const script = fileURLToPath(new URL('./restartable-server.ts', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RestartDatabase {
  readonly dataDir: string;
  /** PostgreSQL; SQLite in `dataDir` when absent. */
  readonly databaseUrl?: string;
  drop(): Promise<void>;
}

export type StopSignal = 'SIGKILL' | 'SIGTERM';

interface Started {
  readonly url: string;
  readonly admin?: { readonly email: string; readonly password: string };
}

class ServerProcess {
  #child: ChildProcess | undefined;

  constructor(private readonly db: RestartDatabase) {}

  async start(port: number): Promise<Started> {
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      env: {
        ...process.env,
        CONCLAVE_TEST_DATA_DIR: this.db.dataDir,
        CONCLAVE_TEST_DATABASE_URL: this.db.databaseUrl ?? '',
        CONCLAVE_TEST_PORT: String(port),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.#child = child;
    const stdout = child.stdout;
    if (stdout === null) throw new Error('no stdout');
    for await (const line of createInterface({ input: stdout })) return JSON.parse(line) as Started;
    throw new Error('the server process exited before listening');
  }

  async stop(signal: StopSignal): Promise<void> {
    const child = this.#child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
  }
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
        if (sender !== receiver && (this.#last.get(`${sender}→${receiver}`) ?? 0) <= since) {
          silent.push(`${sender}→${receiver}`);
        }
      }
    }
    return silent;
  }
}

export class RestartScenario {
  readonly names = ['alice', 'bob', 'carol', 'dave'];
  readonly people: RealPerson[] = [];
  readonly meetings: Meeting[] = [];
  readonly #server: ServerProcess;
  readonly #gates = this.names.map(() => gated());
  readonly #pairs = new PairClock();
  #url = '';
  #meetingId = '';
  #publishing: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly db: RestartDatabase) {
    this.#server = new ServerProcess(db);
  }

  /** Starts the server, signs four people in, starts the meeting; nobody has joined yet. */
  async start(): Promise<void> {
    const first = await this.#server.start(0);
    this.#url = first.url;
    const admin = first.admin;
    if (admin === undefined) throw new Error('a fresh database must create the first admin');
    const world = {
      url: first.url,
      adminToken: await signIn(first.url, admin.email, admin.password),
    };
    for (const [i, name] of this.names.entries()) {
      this.people.push(await realPerson(world, name, { webSocket: this.#gates[i]!.factory }));
    }
    this.#meetingId = await startedMeeting(world, this.people[0]!, this.people.slice(1), true);
  }

  /**
   * Everyone joins in name order and publishes an audio frame every 40 ms; resolves with the
   * milliseconds from the first join until every sender→receiver pair decrypts.
   */
  async joinAndPublish(reconnect?: ReconnectPolicy): Promise<number> {
    const started = Date.now();
    for (const [i, p] of this.people.entries()) {
      const meeting = await p.client.join(
        this.#meetingId,
        reconnect === undefined ? {} : { reconnect },
      );
      this.#pairs.watch(this.names[i]!, meeting, this.people);
      this.meetings.push(meeting);
    }
    this.#publishing = setInterval(() => {
      for (const m of this.meetings)
        m.publish('audio', Uint8Array.of(1, 2, 3, 4)).catch(() => undefined);
    }, 40);
    await this.everyPairSince(started, 60_000);
    return Date.now() - started;
  }

  /** Resolves when all four are in the group together (epoch 3, four leaves). */
  async everyoneInTheGroup(): Promise<void> {
    const meetings = this.meetings;
    await until(
      meetings,
      () => meetings.every((m) => m.epoch === 3n && m.roster.length === 4),
      30_000,
      'four in the group at epoch 3',
    );
  }

  /** Resolves when every pair decrypted a frame after `since`; rejects, naming the silent, after `ms`. */
  async everyPairSince(since: number, ms: number): Promise<void> {
    await until(
      this.meetings,
      () => this.silentSince(since).length === 0,
      Math.max(ms, 1),
      'every sender→receiver pair decrypting',
    ).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}; silent: ${this.silentSince(since).join(', ')}`);
    });
  }

  silentSince(since: number): string[] {
    return this.#pairs.silentSince(since, this.names);
  }

  /**
   * Stops the server with `signal`, waits `pauseMs`, starts it again on the same port and data;
   * resolves with the time /readyz first answered 200. With `holdBack`, that participant cannot
   * reach the server until all the others have joined again.
   */
  async restart(
    signal: StopSignal,
    options: { pauseMs?: number; holdBack?: number } = {},
  ): Promise<number> {
    const { holdBack } = options;
    if (holdBack !== undefined) this.#gates[holdBack]!.open = false;
    await this.#server.stop(signal);
    await sleep(options.pauseMs ?? 3_000);
    const joinedAgain = new Set<number>();
    const offs = this.meetings.map((m, i) => m.on('joined', () => joinedAgain.add(i)));
    await this.#server.start(Number(new URL(this.#url).port));
    const ready = await this.#readyAt(30_000);
    if (holdBack !== undefined) {
      const others = this.meetings.map((_, i) => i).filter((i) => i !== holdBack);
      await until(
        this.meetings,
        () => others.every((i) => joinedAgain.has(i)),
        30_000,
        'the others back',
      );
      this.#gates[holdBack]!.open = true;
    }
    for (const off of offs) off();
    return ready;
  }

  async close(): Promise<void> {
    clearInterval(this.#publishing);
    for (const p of this.people) p.client.close();
    await this.#server.stop('SIGKILL');
    await this.db.drop();
  }

  async #readyAt(deadlineMs: number): Promise<number> {
    const deadline = Date.now() + deadlineMs;
    while (Date.now() < deadline) {
      const status = await fetch(`${this.#url}/readyz`).then(
        (r) => r.status,
        () => 0,
      );
      if (status === 200) return Date.now();
      await sleep(50);
    }
    throw new Error('the restarted server never became ready');
  }
}
