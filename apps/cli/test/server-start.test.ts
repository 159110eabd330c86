// `conclave server start` as an operator runs it: environment honoured but flags win, URL and
// first-admin credentials printed once, clean stop on SIGTERM; `admin bootstrap` works offline.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startServer } from '@conclave/server';
import { binPath, parseJson, repoRoot, runCli, tempDir } from './helpers/cli.ts';

interface Started {
  url: string;
  email: string;
  password: string;
}

/** Reads the human banner: the URL line and the first admin's email and password lines. */
function parseBanner(stdout: string): Started | undefined {
  if (!stdout.includes('Press Ctrl-C to stop.')) return undefined;
  const url = /Conclave is running at (\S+)/.exec(stdout)?.[1];
  const email = /^\s+email:\s+(\S+)$/m.exec(stdout)?.[1];
  const password = /^\s+password:\s+(\S+)$/m.exec(stdout)?.[1];
  if (url === undefined || email === undefined || password === undefined) {
    throw new Error(`banner without URL or credentials:\n${stdout}`);
  }
  return { url, email, password };
}

describe('conclave server start', () => {
  it('starts from the environment with flags winning, prints the first admin once, stops on SIGTERM', async () => {
    const data = await tempDir('start');
    const config = await tempDir('start-config');
    try {
      const child = spawn(
        process.execPath,
        [binPath, 'server', 'start', '--port', '0', '--host', '127.0.0.1'],
        {
          cwd: repoRoot,
          // PORT=1 would fail (privileged): --port 0 must win. The data folder comes from the env.
          env: {
            ...process.env,
            PORT: '1',
            CONCLAVE_DATA_DIR: data.path,
            CONCLAVE_CONFIG_DIR: config.path,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));

      const started = await new Promise<Started>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no URL printed; stderr: ${stderr}`)),
          30_000,
        );
        child.stdout.on('data', () => {
          try {
            const banner = parseBanner(stdout);
            if (banner === undefined) return;
            clearTimeout(timer);
            resolve(banner);
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
        void exited.then((code) =>
          reject(new Error(`exited ${code} before listening; stderr: ${stderr}`)),
        );
      });

      expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(started.email).toMatch(/@/);
      expect(started.password.length).toBeGreaterThanOrEqual(10);
      expect(stdout).toContain(`conclave sign-in --server ${started.url} --email ${started.email}`);
      const health = await fetch(`${started.url}/healthz`);
      expect(await health.json()).toEqual({ ok: true });
      expect((await readdir(data.path)).length).toBeGreaterThan(0);

      // The printed credentials work through the CLI.
      const signIn = await runCli(
        ['sign-in', '--server', started.url, '--email', started.email, '--password-stdin'],
        { configDir: config.path, stdin: started.password },
      );
      expect(signIn.code).toBe(0);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      // Closed, not just killed: the port no longer answers.
      await expect(fetch(`${started.url}/healthz`)).rejects.toThrow();
      expect(stderr).toContain('Received SIGTERM; stopping');
    } finally {
      await data.remove();
      await config.remove();
    }
  });

  it('--tls self-signed serves HTTPS and prints the fingerprint a browser will show', async () => {
    const data = await tempDir('start-tls');
    const config = await tempDir('start-tls-config');
    const child = spawn(
      process.execPath,
      [binPath, 'server', 'start', '--port', '0', '--host', '127.0.0.1', '--tls', 'self-signed'],
      {
        cwd: repoRoot,
        env: { ...process.env, CONCLAVE_DATA_DIR: data.path, CONCLAVE_CONFIG_DIR: config.path },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      const banner = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no banner: ${stdout}`)), 30_000);
        child.stdout.on('data', () => {
          if (!stdout.includes('Press Ctrl-C to stop.')) return;
          clearTimeout(timer);
          resolve(stdout);
        });
      });
      const url = /Conclave is running at (https:\/\/\S+)/.exec(banner)?.[1] ?? '';
      const printed = /TLS certificate SHA-256 fingerprint: ([0-9A-F:]{95})/.exec(banner)?.[1];
      const certFile = /Certificate file: (\S+)\)/.exec(banner)?.[1] ?? '';
      expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(banner).toContain('browsers warn once');
      const seen = await new Promise<string>((resolve, reject) => {
        const req = httpsRequest(
          `${url}/healthz`,
          { ca: readFileSync(certFile, 'utf8'), agent: false },
          (res) => {
            resolve((res.socket as TLSSocket).getPeerCertificate().fingerprint256);
            res.resume();
          },
        );
        req.on('error', reject);
        req.end();
      });
      expect(seen).toBe(printed);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.on('close', resolve));
      await data.remove();
      await config.remove();
    }
  });

  it('admin bootstrap creates an admin offline; the next start does not print a first admin', async () => {
    const data = await tempDir('bootstrap');
    const config = await tempDir('bootstrap-config');
    try {
      const created = parseJson<{ email: string; password: string }>(
        await runCli(
          ['admin', 'bootstrap', '--email', 'root@example.org', '--data-dir', data.path, '--json'],
          {
            configDir: config.path,
          },
        ),
      );
      expect(created.email).toBe('root@example.org');
      const running = await startServer({
        port: 0,
        host: '127.0.0.1',
        dataDir: data.path,
        log: () => {},
      });
      try {
        expect(running.firstAdmin).toBeUndefined();
        const signIn = await runCli(
          ['sign-in', '--server', running.url, '--email', created.email],
          {
            configDir: config.path,
            env: { CONCLAVE_PASSWORD: created.password },
          },
        );
        expect(signIn.code).toBe(0);
        expect(signIn.stdout).toContain('as root@example.org (admin)');
      } finally {
        await running.close();
      }
    } finally {
      await data.remove();
      await config.remove();
    }
  });

  it('admin bootstrap refuses a weak password with WEAK_PASSWORD and a sentence (exit 2)', async () => {
    const data = await tempDir('bootstrap-weak');
    const config = await tempDir('bootstrap-weak-config');
    try {
      const result = await runCli(
        [
          'admin',
          'bootstrap',
          '--email',
          'root@example.org',
          '--password-stdin',
          '--data-dir',
          data.path,
        ],
        { configDir: config.path, stdin: ' '.repeat(10) },
      );
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain('WEAK_PASSWORD');
      expect(result.stderr).toContain('A password cannot be empty or only spaces.');
      expect(result.stderr).not.toMatch(/\n\s+at |node_modules/);
    } finally {
      await data.remove();
      await config.remove();
    }
  });

  it('server rotate-secret-key replaces the key file; a wrong CONCLAVE_SECRET_KEY is a clear refusal', async () => {
    const data = await tempDir('rotate');
    const config = await tempDir('rotate-config');
    try {
      const first = await startServer({
        port: 0,
        host: '127.0.0.1',
        dataDir: data.path,
        log: () => {},
      });
      await first.close();
      const keyFile = join(data.path, 'secret.key');
      const before = await readFile(keyFile, 'utf8');
      const rotated = parseJson<{ keyId: string; previousKeyId: string; where: string }>(
        await runCli(['server', 'rotate-secret-key', '--data-dir', data.path, '--json'], {
          configDir: config.path,
        }),
      );
      expect(rotated.where).toBe(keyFile);
      expect(rotated.keyId).not.toBe(rotated.previousKeyId);
      expect(await readFile(keyFile, 'utf8')).not.toBe(before);

      const refused = await runCli(['server', 'rotate-secret-key', '--data-dir', data.path], {
        configDir: config.path,
        env: { CONCLAVE_SECRET_KEY: 'not a key' },
      });
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain('CONCLAVE_SECRET_KEY must be 32 bytes in base64');
      expect(refused.stderr).not.toContain('not a key');
    } finally {
      await data.remove();
      await config.remove();
    }
  });
});
