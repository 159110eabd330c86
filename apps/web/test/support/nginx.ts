// Debian's nginx in front of a Conclave server, configured with the very block docs/deploy.md
// gives operators (read from the document, with this test's name, port, certificate and upstream
// filled in), so the documented configuration is the tested one.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const deployGuide = fileURLToPath(new URL('../../../../docs/deploy.md', import.meta.url));

export interface NginxFront {
  /** https://<name>:<port> */
  readonly url: string;
  /** The access log so far: one line per request nginx passed on. */
  accessLog(): string;
  close(): Promise<void>;
}

export interface NginxOptions {
  serverName: string;
  port: number;
  /** http://127.0.0.1:PORT of the Conclave server. */
  upstream: string;
  cert: string;
  key: string;
}

/** The guide's first ```nginx block. */
export function documentedNginxBlock(): string {
  const block = /```nginx\n([\s\S]*?)```/.exec(readFileSync(deployGuide, 'utf8'))?.[1];
  if (block === undefined) throw new Error('docs/deploy.md has no ```nginx block');
  return block;
}

function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      const socket = createConnection({ port, host: '127.0.0.1' });
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`nginx did not listen on ${port}`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

export async function startNginx(options: NginxOptions): Promise<NginxFront> {
  const prefix = mkdtempSync(join(tmpdir(), 'conclave-nginx-'));
  writeFileSync(join(prefix, 'server.crt'), options.cert);
  writeFileSync(join(prefix, 'server.key'), options.key, { mode: 0o600 });
  const server = documentedNginxBlock()
    .replace('listen 443 ssl;', `listen 127.0.0.1:${options.port} ssl;`)
    .replace('server_name conclave.example.org;', `server_name ${options.serverName};`)
    .replace('/etc/ssl/conclave.crt', join(prefix, 'server.crt'))
    .replace('/etc/ssl/conclave.key', join(prefix, 'server.key'))
    .replace('http://127.0.0.1:8080', options.upstream);
  const user = process.getuid?.() === 0 ? 'user root;\n' : '';
  writeFileSync(
    join(prefix, 'nginx.conf'),
    `${user}worker_processes 1;
pid ${join(prefix, 'nginx.pid')};
error_log ${join(prefix, 'error.log')} warn;
events { worker_connections 256; }
http {
  access_log ${join(prefix, 'access.log')};
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
${server}
}
`,
  );
  const child: ChildProcess = spawn(
    '/usr/sbin/nginx',
    ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-g', 'daemon off;'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await Promise.race([
      waitForPort(options.port, 15_000),
      exited.then(() => {
        throw new Error(`nginx exited: ${stderr}`);
      }),
    ]);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(prefix, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `https://${options.serverName}:${options.port}`,
    accessLog: () => readFileSync(join(prefix, 'access.log'), 'utf8'),
    async close() {
      child.kill('SIGQUIT');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      child.kill('SIGKILL');
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}
