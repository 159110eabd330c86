// Built-in TLS: a self-signed certificate for a LAN trial (made for this machine's names, the same
// on every start), PEM files an operator brings, HTTPS and WSS on one port with HSTS, and a
// certificate renewed (SIGHUP, a file change, or reload()) without dropping open sockets. A
// broken pair is refused with the file's name — at start, and at reload, where the old one stays.
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startServer } from '../src/index.ts';
import type { RunningServer } from '../src/index.ts';

interface HttpsAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** The SHA-256 fingerprint of the certificate the server presented. */
  fingerprint: string;
}

/** GET over HTTPS trusting only `ca`, on a fresh connection (no agent), so each sees the current certificate. */
function httpsGet(url: string, ca: string): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, agent: false }, (res) => {
      const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, fingerprint }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** A certificate for localhost/127.0.0.1 valid from `from` to `to` (ms), as PEM. */
async function pair(from = Date.now() - 60_000, to = Date.now() + 30 * 86_400_000) {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(from),
    notAfterDate: new Date(to),
    extensions: [
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return {
    cert: pems.cert,
    key: pems.private,
    fingerprint: new X509Certificate(pems.cert).fingerprint256,
  };
}

const quiet = { log: () => undefined, webRoot: false as const };

describe('built-in TLS with a self-signed certificate', () => {
  let dataDir: string;
  let server: RunningServer;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'conclave-tls-'));
    server = await startServer({ port: 0, dataDir, tls: 'self-signed', ...quiet });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves HTTPS with HSTS under a certificate for this machine, the fingerprint it reports', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const tls = server.tls;
    if (tls === undefined) throw new Error('no TLS reported');
    expect(tls.selfSigned).toBe(true);
    const cert = readFileSync(tls.certFile, 'utf8');
    const x509 = new X509Certificate(cert);
    expect(x509.subjectAltName).toContain('DNS:localhost');
    expect(x509.subjectAltName).toContain(`DNS:${hostname()}`);
    expect(x509.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(new Date(x509.validTo).getTime() - Date.now()).toBeLessThan(398 * 86_400_000);
    const health = await httpsGet(`${server.url}/healthz`, cert);
    expect(health.status).toBe(200);
    expect(health.fingerprint).toBe(tls.fingerprint256());
    expect(health.fingerprint).toBe(x509.fingerprint256);
    expect(health.headers['strict-transport-security']).toMatch(/max-age=\d+/);
  });

  it('keeps the same certificate (and fingerprint) on the next start', async () => {
    const first = server.tls?.fingerprint256();
    const again = await startServer({ port: 0, dataDir, tls: 'self-signed', ...quiet });
    try {
      expect(again.tls?.fingerprint256()).toBe(first);
    } finally {
      await again.close();
    }
  });

  it('refuses a plain-HTTP client on the TLS port rather than answering it in the clear', async () => {
    const plain = await fetch(server.url.replace(/^https/, 'http') + '/healthz').then(
      (response) => response.status,
      () => 'refused',
    );
    expect(plain).not.toBe(200);
  });
});

describe('built-in TLS with PEM files, renewed while sockets stay open', () => {
  let folder: string;
  let server: RunningServer;
  let first: Awaited<ReturnType<typeof pair>>;
  const certFile = () => join(folder, 'server.crt');
  const keyFile = () => join(folder, 'server.key');

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'conclave-tls-files-'));
    first = await pair();
    writeFileSync(certFile(), first.cert);
    writeFileSync(keyFile(), first.key, { mode: 0o600 });
    server = await startServer({
      port: 0,
      dataDir: join(folder, 'data'),
      tls: { certFile: certFile(), keyFile: keyFile() },
      ...quiet,
    });
  });
  afterAll(async () => {
    await server.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('renews on SIGHUP and on a file change; an open WSS socket stays open; a broken pair is refused', async () => {
    expect((await httpsGet(`${server.url}/healthz`, first.cert)).fingerprint).toBe(
      first.fingerprint,
    );
    const socket = new WebSocket(`${server.url.replace(/^https/, 'wss')}/api/realtime`, {
      ca: first.cert,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });

    // SIGHUP: the renewed pair serves new connections.
    const second = await pair();
    writeFileSync(certFile(), second.cert);
    writeFileSync(keyFile(), second.key);
    process.emit('SIGHUP');
    expect(server.tls?.fingerprint256()).toBe(second.fingerprint);
    expect((await httpsGet(`${server.url}/healthz`, second.cert)).fingerprint).toBe(
      second.fingerprint,
    );

    // A key that is not the certificate's: refused, the current pair stays.
    const stranger = await pair();
    writeFileSync(keyFile(), stranger.key);
    const refused = server.tls?.reload();
    expect(refused).toMatchObject({ reloaded: false });
    expect(refused?.reloaded === false && refused.reason).toContain(keyFile());
    expect((await httpsGet(`${server.url}/healthz`, second.cert)).fingerprint).toBe(
      second.fingerprint,
    );

    // A file change alone (no signal): picked up by the watcher.
    const third = await pair();
    writeFileSync(keyFile(), third.key);
    writeFileSync(certFile(), third.cert);
    const deadline = Date.now() + 10_000;
    while (server.tls?.fingerprint256() !== third.fingerprint && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(server.tls?.fingerprint256()).toBe(third.fingerprint);

    // The socket opened under the first certificate is still there and answers.
    expect(socket.readyState).toBe(WebSocket.OPEN);
    const pong = new Promise<void>((resolve) => socket.once('pong', () => resolve()));
    socket.ping();
    await pong;
    socket.close();
  }, 30_000);

  it('refuses to start with an expired certificate, a foreign key, or only one of the two files', async () => {
    const expired = await pair(Date.now() - 10 * 86_400_000, Date.now() - 86_400_000);
    const expiredCert = join(folder, 'expired.crt');
    const expiredKey = join(folder, 'expired.key');
    writeFileSync(expiredCert, expired.cert);
    writeFileSync(expiredKey, expired.key);
    const foreign = await pair();
    const foreignKey = join(folder, 'foreign.key');
    writeFileSync(foreignKey, foreign.key);
    const dataDir = join(folder, 'refusals');
    const attempt = (tls: { certFile: string; keyFile: string }) =>
      startServer({ port: 0, dataDir, tls, ...quiet }).then(
        async (running) => {
          await running.close();
          return 'started';
        },
        (error: unknown) => (error as Error).message,
      );
    expect(await attempt({ certFile: expiredCert, keyFile: expiredKey })).toMatch(
      new RegExp(`${expiredCert}: the certificate expired on \\d{4}-`),
    );
    expect(await attempt({ certFile: expiredCert, keyFile: foreignKey })).toContain(
      `${foreignKey}: not the private key of the certificate in ${expiredCert}`,
    );
    expect(await attempt({ certFile: join(folder, 'missing.crt'), keyFile: foreignKey })).toMatch(
      /missing\.crt \(ENOENT\)/,
    );
    const halfEnv = { ...process.env };
    process.env.CONCLAVE_TLS_CERT = expiredCert;
    delete process.env.CONCLAVE_TLS_KEY;
    try {
      const message = await startServer({ port: 0, dataDir, ...quiet }).then(
        () => 'started',
        (error: unknown) => (error as Error).message,
      );
      expect(message).toContain('Set both CONCLAVE_TLS_CERT and CONCLAVE_TLS_KEY');
    } finally {
      process.env = halfEnv;
    }
  });
});
