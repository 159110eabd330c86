// Debian's `nats-server -js` on a free loopback port for the cluster tests of every package, its
// JetStream files in a temporary folder; it can be killed and started again on the same port.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
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
