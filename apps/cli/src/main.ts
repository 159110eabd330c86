// Entry of the `conclave` command: builds the command tree and turns every failure into a clear
// one-line message and an exit code, never a stack trace.
import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands/index.ts';
import { CliError } from './errors.ts';

export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('conclave')
    .description('Conclave: meetings with end-to-end encryption an organization can govern.')
    .showHelpAfterError('(add --help for usage and examples)')
    .exitOverride();
  registerCommands(program);
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed its message (or the help text).
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof CliError) {
      process.stderr.write(`conclave: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(
      `conclave: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  }
}
