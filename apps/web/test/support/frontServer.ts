// Serves the built app the way the Conclave server will: files from dist/, index.html for any other
// page address (history routing), and /api, /healthz, /openapi.json forwarded to the API server.
// Only for tests, until the server serves dist/ itself.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import {
  createServer,
  request as forward,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

const apiPrefixes = ['/api/', '/healthz', '/openapi.json'];

export interface FrontServer {
  url: string;
  close(): Promise<void>;
}

function proxy(api: URL, request: IncomingMessage, response: ServerResponse): void {
  const upstream = forward(
    {
      host: api.hostname,
      port: api.port,
      method: request.method,
      path: request.url,
      // The browser's Host goes through unchanged, as a reverse proxy in front of Conclave keeps it:
      // the server compares it with the Origin of every state-changing request.
      headers: request.headers,
    },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    },
  );
  upstream.on('error', () => {
    response.writeHead(502, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        error: { code: 'BAD_GATEWAY', message: 'The API server is not answering.' },
      }),
    );
  });
  request.pipe(upstream);
}

async function serveFile(root: string, pathname: string, response: ServerResponse): Promise<void> {
  const candidate = normalize(join(root, decodeURIComponent(pathname)));
  const inside = candidate.startsWith(root + sep);
  const file =
    inside && (await stat(candidate).catch(() => null))?.isFile()
      ? candidate
      : join(root, 'index.html');
  response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(response);
}

export async function startFrontServer(distDir: string, apiUrl: string): Promise<FrontServer> {
  const api = new URL(apiUrl);
  const root = normalize(distDir);
  const server = createServer((request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://front').pathname;
    if (apiPrefixes.some((prefix) => pathname.startsWith(prefix))) {
      proxy(api, request, response);
      return;
    }
    serveFile(root, pathname, response).catch(() => {
      response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
