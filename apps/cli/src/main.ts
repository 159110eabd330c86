// Entry of the `conclave` command: builds the command tree and turns every failure into a clear
// message and an exit code, never a stack trace. With --json, failures are one JSON object on
// stderr so scripts can read the code.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands/index.ts';
import { CliError } from './errors.ts';

export function buildProgram(options: { json?: boolean } = {}): Command {
  const json = options.json === true;
  const program = new Command('conclave')
    .description('Conclave: meetings with end-to-end encryption an organization can govern.')
    .version(cliVersion(), '-V, --version', 'print the version of this conclave command')
    .showHelpAfterError(json ? false : '(add --help for usage and examples)')
    .exitOverride();
  // Set before the commands are added, so every subcommand inherits it; with --json, main()
  // reports the error as JSON instead.
  if (json) program.configureOutput({ outputError: () => {} });
  registerCommands(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  const json = argv.slice(2).includes('--json');
  const program = buildProgram({ json });
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return 0;
      // Commander already printed its message (or the help text) unless --json silenced it.
      if (json) writeJsonError('usage', error.message.replace(/^error: /, ''), 2);
      return 2;
    }
    if (error instanceof CliError) {
      if (json) {
        writeJsonError(error.server?.code ?? error.code, error.message, error.exitCode, error);
      } else {
        process.stderr.write(`conclave: ${error.message}\n`);
      }
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    if (json) writeJsonError('unexpected', message, 1);
    else process.stderr.write(`conclave: unexpected error: ${message}\n`);
    return 1;
  }
}

function writeJsonError(code: string, message: string, exitCode: number, error?: CliError): void {
  const server = error?.server;
  const body = {
    error: {
      code,
      message: server?.message ?? message,
      exitCode,
      ...(error === undefined ? {} : { kind: error.code }),
      ...(server === undefined
        ? {}
        : {
            status: server.status,
            ...(server.fields === undefined ? {} : { fields: server.fields }),
            ...(server.reasons === undefined ? {} : { reasons: server.reasons }),
          }),
    },
  };
  process.stderr.write(`${JSON.stringify(body)}\n`);
}

/** The CLI package's own version (apps/cli/package.json), read once. */
function cliVersion(): string {
  const manifest = JSON.parse(
    readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
  ) as { version?: unknown };
  return typeof manifest.version === 'string' ? manifest.version : 'unknown';
}
