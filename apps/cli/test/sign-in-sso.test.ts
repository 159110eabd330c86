// `conclave sign-in --sso` end to end: a real server, a real OpenID provider (oidc-provider on
// loopback, the server tests' ../../server/test/support/oidc-idp.ts) and the real CLI in a child
// process. The test plays the browser: it opens the address the CLI prints, goes through the
// provider's pages and the server's callback, and lands on the CLI's loopback port — so the whole
// RFC 8252 handoff is exercised, including what must not work (a replayed or stolen code, an email
// without single sign-on, a browser that never comes back).
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestIdp } from '../../server/test/support/oidc-idp.ts';
import type { TestIdp } from '../../server/test/support/oidc-idp.ts';
import { browserWanted } from '../src/auth/open-browser.ts';
import { binPath, cliEnvironment, parseJson, repoRoot, runCli, tempDir } from './helpers/cli.ts';
import type { CliResult } from './helpers/cli.ts';
import { rest, signIn } from './helpers/rest.ts';
import { startTestServer } from './helpers/server.ts';
import type { TestServer } from './helpers/server.ts';

const CLIENT_ID = 'conclave-cli-test';
const CLIENT_SECRET = 'a-client-secret-only-the-server-knows';
const JO = { sub: 'sub-jo', email: 'jo@acme.example', name: 'Jo Acme' };
const SIGNED_IN = 'Signed in to Conclave; you can close this tab and return to the terminal.';
const ADDRESS_LINE = /Open this address in your browser to sign in: (\S+)/;

let server: TestServer;
let idp: TestIdp;
const folders: { remove: () => Promise<void> }[] = [];
const running = new Set<RunningCli>();

beforeAll(async () => {
  server = await startTestServer();
  idp = await startTestIdp({
    clients: [
      {
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        redirectUris: [`${server.url}/api/auth/sso/callback`],
      },
    ],
    accounts: { [JO.sub]: { email: JO.email, name: JO.name } },
  });
  const adminToken = await signIn(server.url, server.firstAdmin.email, server.firstAdmin.password);
  await rest(server.url, adminToken, 'PUT', '/api/admin/sso', {
    issuer: idp.issuer,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    domains: ['acme.example'],
    newUsersPremium: true,
  });
});

afterEach(() => {
  // A test that failed half-way must not leave a CLI waiting on its loopback port.
  for (const cli of running) cli.kill();
  running.clear();
});

afterAll(async () => {
  await server?.stop();
  await idp?.close();
  for (const folder of folders) await folder.remove();
});

async function configDir(): Promise<string> {
  const folder = await tempDir('sso');
  folders.push(folder);
  return folder.path;
}

// ---- The CLI as a running process (runCli only reports once it has exited) ----

interface RunningCli {
  /** Resolves with the first match of `pattern` in stderr so far or to come. */
  stderrMatch: (pattern: RegExp) => Promise<RegExpExecArray>;
  exited: Promise<CliResult>;
  kill: () => void;
}

/** Spawns the bin as helpers/cli.ts does (own config folder, no inherited sign-in), no browser. */
function startCli(args: readonly string[], config: string): RunningCli {
  const child = spawn(process.execPath, [binPath, ...args], {
    cwd: repoRoot,
    env: cliEnvironment(config, { CONCLAVE_NO_BROWSER: '1' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  const cli: RunningCli = {
    exited,
    kill: () => child.kill('SIGKILL'),
    stderrMatch: (pattern) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const match = pattern.exec(stderr);
          if (match === null) return;
          child.stderr.off('data', check);
          resolve(match);
        };
        child.stderr.on('data', check);
        check();
        void exited.then((result) =>
          reject(new Error(`the CLI exited (${result.code}) before ${pattern}:\n${result.stderr}`)),
        );
      }),
  };
  running.add(cli);
  void exited.then(() => running.delete(cli));
  return cli;
}

const signInSso = (config: string, ...extra: string[]) =>
  startCli(['sign-in', '--sso', '--server', server.url, '--email', JO.email, ...extra], config);

// ---- The test as the browser ----

/** start → the provider's pages as `sub` → the server's callback; where the callback sends the browser. */
async function signInAtProvider(startUrl: string, sub: string): Promise<URL> {
  const start = await fetch(startUrl, { redirect: 'manual' });
  expect(start.status).toBe(302);
  const flowCookie = start.headers.getSetCookie().find((c) => c.startsWith('conclave_sso='));
  expect(flowCookie).toBeDefined();
  const authorize = start.headers.get('location') ?? '';
  expect(new URL(authorize).origin).toBe(new URL(idp.issuer).origin);
  const back = await idp.signIn(authorize, sub);
  const callback = await fetch(back, {
    redirect: 'manual',
    headers: { cookie: (flowCookie ?? '').split(';')[0] ?? '' },
  });
  expect(callback.status).toBe(303);
  // The CLI's sign-in opens no browser session.
  expect(callback.headers.getSetCookie().some((c) => c.startsWith('conclave_session='))).toBe(
    false,
  );
  return new URL(callback.headers.get('location') ?? '');
}

function redeem(code: string, verifier: string): Promise<Response> {
  return fetch(`${server.url}/api/auth/sso/cli-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, verifier }),
  });
}

async function expectRefused(response: Response): Promise<void> {
  expect(response.status).toBe(401);
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe('INVALID_CREDENTIALS');
  expect(body.error.message).toMatch(/sign-in code is not valid/);
}

const aVerifier = () => randomBytes(32).toString('base64url');

describe('conclave sign-in --sso', () => {
  it('signs in through the provider by the loopback redirect and stores a working session', async () => {
    const config = await configDir();
    const cli = signInSso(config, '--json');
    const address = new URL((await cli.stderrMatch(ADDRESS_LINE))[1] ?? '');
    expect(`${address.origin}${address.pathname}`).toBe(`${server.url}/api/auth/sso/start`);
    expect(address.searchParams.get('email')).toBe(JO.email);
    expect(Number(address.searchParams.get('cli_port'))).toBeGreaterThanOrEqual(1024);
    expect(address.searchParams.get('cli_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const loopback = await signInAtProvider(address.href, JO.sub);
    expect(loopback.origin).toBe(`http://127.0.0.1:${address.searchParams.get('cli_port')}`);
    expect(loopback.pathname).toBe('/callback');
    const code = loopback.searchParams.get('code') ?? '';
    expect(code).not.toBe('');

    // Any other path of the loopback port is not found, and does not end the wait.
    expect((await fetch(new URL('/favicon.ico', loopback))).status).toBe(404);

    const page = await fetch(loopback);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain(SIGNED_IN);
    expect(html).not.toMatch(/src=|href=|https?:/);

    const result = await cli.exited;
    expect(result.code, result.stderr).toBe(0);
    const json = parseJson<{ server: string; user: { email: string }; credentialsFile: string }>(
      result,
    );
    expect(json.server).toBe(server.url);
    expect(json.user.email).toBe(JO.email);
    expect(json.credentialsFile).toContain(config);
    expect(result.stdout).not.toContain('"token"');

    const whoami = await runCli(['whoami', '--json'], { configDir: config });
    expect(whoami.code, whoami.stderr).toBe(0);
    const me = parseJson<{ user: { email: string; premium: boolean } }>(whoami);
    expect(me.user).toMatchObject({ email: JO.email, premium: true });

    // The code the CLI redeemed is spent, and was never good with another verifier.
    await expectRefused(await redeem(code, aVerifier()));
  });

  it('prints the same human result as a password sign-in', async () => {
    const config = await configDir();
    const cli = signInSso(config);
    const address = (await cli.stderrMatch(ADDRESS_LINE))[1] ?? '';
    await cli.stderrMatch(/Waiting for the browser sign-in…/);
    const loopback = await signInAtProvider(address, JO.sub);
    expect(await (await fetch(loopback)).text()).toContain(SIGNED_IN);
    const result = await cli.exited;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Signed in to ${server.url} as ${JO.email} (user).`);
    expect(result.stdout).toMatch(/Session saved in .*credentials\.json, valid until /);
  });

  it('hands out a code that is good once, and only with the verifier whose challenge began it', async () => {
    // Acting as the CLI itself here: the real CLI's verifier never leaves its process.
    const verifier = aVerifier();
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const start = new URL(`${server.url}/api/auth/sso/start`);
    start.search = new URLSearchParams({
      email: JO.email,
      cli_port: '49999',
      cli_challenge: challenge,
    }).toString();
    const loopback = await signInAtProvider(start.href, JO.sub);
    const code = loopback.searchParams.get('code') ?? '';

    await expectRefused(await redeem(code, aVerifier()));
    const first = await redeem(code, verifier);
    expect(first.status).toBe(200);
    expect(((await first.json()) as { user: { email: string } }).user.email).toBe(JO.email);
    await expectRefused(await redeem(code, verifier));
  });

  it('gives up after --timeout when the browser never comes back, naming the timeout', async () => {
    const cli = signInSso(await configDir(), '--timeout', '2');
    await cli.stderrMatch(ADDRESS_LINE);
    const result = await cli.exited;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('within the timeout of 2 seconds');
    expect(result.stderr).toContain('--timeout');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('fails clearly when the browser comes back without a code', async () => {
    const cli = signInSso(await configDir());
    const address = new URL((await cli.stderrMatch(ADDRESS_LINE))[1] ?? '');
    const port = address.searchParams.get('cli_port') ?? '';
    const page = await fetch(`http://127.0.0.1:${port}/callback`);
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('Conclave could not finish signing in');
    const result = await cli.exited;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'conclave: the browser came back to the CLI without a sign-in code',
    );
  });

  it('fails at once for an email whose organization has no single sign-on', async () => {
    const config = await configDir();
    const result = await runCli(
      ['sign-in', '--sso', '--server', server.url, '--email', 'jo@elsewhere.example'],
      { configDir: config, env: { CONCLAVE_NO_BROWSER: '1' } },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('jo@elsewhere.example does not sign in through single sign-on');
    // Nothing to open: it failed before any browser step.
    expect(result.stderr).not.toMatch(ADDRESS_LINE);
    const whoami = await runCli(['whoami'], { configDir: config });
    expect(whoami.code).toBe(3);
  });

  it('does not read a password and refuses one given with it', async () => {
    const result = await runCli(
      ['sign-in', '--sso', '--email', JO.email, '--server', server.url, '--password-stdin'],
      { configDir: await configDir(), stdin: 'a-password' },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("option '--sso' cannot be used with option '--password-stdin'");
  });
});

describe('opening the browser', () => {
  it('is skipped with --no-browser or CONCLAVE_NO_BROWSER=1', () => {
    expect(browserWanted({}, {})).toBe(true);
    expect(browserWanted({ browser: true }, {})).toBe(true);
    expect(browserWanted({ browser: false }, {})).toBe(false);
    expect(browserWanted({}, { CONCLAVE_NO_BROWSER: '1' })).toBe(false);
  });
});
