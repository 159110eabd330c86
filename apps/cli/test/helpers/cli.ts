// Runs the real `conclave` command (the bin that `npx conclave` runs) in a child process, with its
// own config folder so tests never touch the user's sign-in.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const binPath = fileURLToPath(new URL('../../bin/conclave.js', import.meta.url));
export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  configDir: string;
  stdin?: string;
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  /** Run as this user (a root test run uses it to meet file permissions as an operator would). */
  user?: { uid: number; gid: number };
}

/**
 * The CLI's environment in tests: its own config folder, no sign-in or server inherited from the
 * machine running the tests, no colour; `extra` on top.
 */
export function cliEnvironment(
  configDir: string,
  extra: Record<string, string | undefined> = {},
): NodeJS.ProcessEnv {
  return {
    ...process.env,
    CONCLAVE_PASSWORD: undefined,
    CONCLAVE_SERVER: undefined,
    ...extra,
    CONCLAVE_CONFIG_DIR: configDir,
    NO_COLOR: '1',
  };
}

/**
 * How long one CLI run may take before it counts as hung. Generous on purpose: a cold start
 * (node + the TypeScript loader) on two cores busy with other test workers and CPU hogs took over
 * 20 s in the stability run (.ci/stability). The vitest timeout still bounds a whole test.
 */
const CLI_RUN_LIMIT_MS = 45_000;

export function runCli(args: readonly string[], options: CliRunOptions): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binPath, ...args], {
      cwd: repoRoot,
      env: cliEnvironment(options.configDir, options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
      ...options.user,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`conclave ${args.join(' ')} did not finish in time; stderr: ${stderr}`));
    }, options.timeoutMs ?? CLI_RUN_LIMIT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.stdin ?? '');
  });
}

/** A fresh folder, removed by the returned function. */
export async function tempDir(
  prefix: string,
): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `conclave-cli-${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Parses stdout as the one JSON value `--json` promises, with the output in the failure message. */
export function parseJson<T = Record<string, unknown>>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(
      `stdout is not one JSON value (exit ${result.code}):\n${result.stdout}\nstderr:\n${result.stderr}`,
    );
  }
}
