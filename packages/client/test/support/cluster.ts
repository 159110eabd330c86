// A Conclave cluster for tests: Debian's `nats-server -js` on a free port, three server processes
// (./restartable-server.ts) on one PostgreSQL schema, and a stand-in for a load balancer — each
// person's sockets and requests go to their own node while it lives, else to the first live one.
// Nodes and NATS can be killed (SIGKILL) and started again. Free of test-runner imports.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { NatsServer } from '../../../../test/support/nats-server.ts';
import type { WebSocketFactory } from '../../src/index.ts';
import { nodeWebSocketFactory } from '../../src/node.ts';

const script = fileURLToPath(new URL('./restartable-server.ts', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ClusterNodeProcess {
  readonly name: string;
  readonly url: string;
  alive: boolean;
}

/** Three nodes on one fresh PostgreSQL schema, joined by one NATS server. */
export class TestCluster {
  readonly nodes: ClusterNodeProcess[] = [];
  readonly #children: ChildProcess[] = [];
  admin: { email: string; password: string } | undefined;

  private constructor(
    readonly nats: NatsServer,
    private readonly databaseUrl: string,
    private readonly schema: string,
    private readonly dataDir: string,
    private readonly env: Record<string, string>,
  ) {}

  /** `env`: more environment for every node (e.g. CONCLAVE_TEST_SIGN_INS_PER_ADDRESS). */
  static async start(
    names = ['node-a', 'node-b', 'node-c'],
    env: Record<string, string> = {},
  ): Promise<TestCluster> {
    const base = process.env.CONCLAVE_TEST_PG_URL;
    if (base === undefined || base === '') throw new Error('CONCLAVE_TEST_PG_URL is not set');
    const schema = `conclave_cluster_${randomBytes(6).toString('hex')}`;
    const withSchema = new URL(base);
    withSchema.searchParams.set('schema', schema);
    const nats = await NatsServer.start();
    const dataDir = await mkdtemp(join(tmpdir(), 'conclave-cluster-'));
    const cluster = new TestCluster(nats, withSchema.toString(), schema, dataDir, env);
    // One at a time: the first migrates the schema and creates the first admin.
    for (const name of names) await cluster.startNode(name, 0);
    return cluster;
  }

  /** Starts (or restarts, on its old port) the node called `name`; `natsUrl` overrides NATS's. */
  async startNode(name: string, port: number, natsUrl?: string): Promise<ClusterNodeProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      env: {
        ...process.env,
        ...this.env,
        CONCLAVE_TEST_DATA_DIR: this.dataDir,
        CONCLAVE_TEST_DATABASE_URL: this.databaseUrl,
        CONCLAVE_TEST_PORT: String(port),
        CONCLAVE_NATS_URL: natsUrl ?? this.nats.url,
        CONCLAVE_NODE_ID: name,
        // Every node seals and opens the tenants' keys with the same secret key.
        CONCLAVE_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const stdout = child.stdout;
    if (stdout === null) throw new Error('no stdout');
    let started: { url: string; admin?: { email: string; password: string } } | undefined;
    for await (const line of createInterface({ input: stdout })) {
      started = JSON.parse(line) as typeof started;
      break;
    }
    if (started === undefined) throw new Error(`${name} exited before listening`);
    this.admin ??= started.admin;
    const index = this.nodes.findIndex((n) => n.name === name);
    const node = { name, url: started.url, alive: true };
    if (index === -1) {
      this.nodes.push(node);
      this.#children.push(child);
    } else {
      this.nodes[index] = node;
      this.#children[index] = child;
    }
    return node;
  }

  /** CPU time (user + system, ms) and resident memory (MB) of each live node, from /proc. */
  usage(): Array<{ name: string; cpuMs: number; rssMb: number }> {
    return this.nodes.flatMap((node, i) => {
      const pid = this.#children[i]?.pid;
      if (!node.alive || pid === undefined) return [];
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      return [{ name: node.name, cpuMs: ticks * 10, rssMb: Math.round(rssKb / 1024) }];
    });
  }

  node(name: string): ClusterNodeProcess {
    const node = this.nodes.find((n) => n.name === name);
    if (node === undefined) throw new Error(`no node ${name}`);
    return node;
  }

  /** kill -9 */
  async kill(name: string): Promise<void> {
    const index = this.nodes.findIndex((n) => n.name === name);
    this.nodes[index]!.alive = false;
    await stop(this.#children[index], 'SIGKILL');
  }

  /** SIGSTOP / SIGCONT: the node stalls as a busy or swapped-out process does, then goes on. */
  pause(name: string, paused: boolean): void {
    const index = this.nodes.findIndex((n) => n.name === name);
    this.#children[index]?.kill(paused ? 'SIGSTOP' : 'SIGCONT');
  }

  /** Where a person's traffic goes: their own node while it lives, else the first live one. */
  route(preferred: string): string {
    const own = this.node(preferred);
    if (own.alive) return own.url;
    const live = this.nodes.find((n) => n.alive);
    if (live === undefined) throw new Error('no node alive');
    return live.url;
  }

  /** The load balancer as a person's client sees it: sockets and requests to `route`. */
  balancer(preferred: string): { webSocket: WebSocketFactory; fetch: typeof fetch } {
    const real = nodeWebSocketFactory();
    const rewrite = (url: string) => {
      const target = new URL(this.route(preferred));
      const original = new URL(url);
      original.host = target.host;
      return original.toString();
    };
    return {
      webSocket: (url) => {
        const to = new URL(rewrite(url.replace(/^ws/, 'http')));
        to.protocol = to.protocol === 'https:' ? 'wss:' : 'ws:';
        return real(to.toString());
      },
      fetch: (input, init) =>
        fetch(
          rewrite(
            typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
          ),
          init,
        ),
    };
  }

  async close(): Promise<void> {
    for (const child of this.#children) await stop(child, 'SIGKILL');
    await this.nats.close();
    const client = new pg.Client({ connectionString: process.env.CONCLAVE_TEST_PG_URL });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`);
    } finally {
      await client.end();
    }
    await rm(this.dataDir, { recursive: true, force: true });
  }
}

async function stop(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  await Promise.race([exited, sleep(10_000)]);
}
