// Debian's `nats-server -js` on a free loopback port for the cluster tests of every package, its
// JetStream files in a temporary folder; it can be killed and started again on the same port.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** `nats-server -js` on loopback, its JetStream files in a temporary folder. */
export class NatsServer {
  #child: ChildProcess | undefined;
  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(): Promise<NatsServer> {
    const nats = new NatsServer(await freePort(), await mkdtemp(join(tmpdir(), 'conclave-nats-')));
    await nats.run();
    return nats;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async run(): Promise<void> {
    const child = spawn(
      '/usr/sbin/nats-server',
      ['-js', '-a', '127.0.0.1', '-p', String(this.port), '-sd', this.dir],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    this.#child = child;
    const stderr = child.stderr;
    if (stderr === null) throw new Error('no stderr');
    for await (const line of createInterface({ input: stderr })) {
      if (line.includes('Server is ready')) return;
    }
    throw new Error('nats-server exited before it was ready');
  }

  async kill(): Promise<void> {
    const child = this.#child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  async close(): Promise<void> {
    await this.kill();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/**
 * A TCP hop between one node and NATS that a test can cut: every connection through it is
 * destroyed and new ones are refused until `restore()` — that node alone loses NATS.
 */
export class NatsLinkCutter {
  private readonly sockets = new Set<Socket>();
  private isCut = false;
  private readonly server: Server;
  port = 0;

  private constructor(natsPort: number) {
    this.server = createServer((client) => {
      if (this.isCut) {
        client.destroy();
        return;
      }
      const upstream = connect(natsPort, '127.0.0.1');
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('error', () => undefined);
        socket.on('close', () => {
          this.sockets.delete(socket);
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
  }

  static async start(natsPort: number): Promise<NatsLinkCutter> {
    const cutter = new NatsLinkCutter(natsPort);
    cutter.server.listen(0, '127.0.0.1');
    await once(cutter.server, 'listening');
    const address = cutter.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    cutter.port = address.port;
    return cutter;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  cut(): void {
    this.isCut = true;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.isCut = false;
  }

  close(): void {
    this.cut();
    this.server.close();
  }
}
