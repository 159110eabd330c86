// Small helpers every command file uses to declare itself the same way: an example in --help,
// and the --server / --json flags.
import type { Command } from 'commander';

/** Appends the "Example:" block that every command's --help ends with. */
export function example(command: Command, ...lines: string[]): Command {
  return command.addHelpText(
    'after',
    `\nExample:\n${lines.map((line) => `  $ ${line}`).join('\n')}`,
  );
}

export function withJson(command: Command): Command {
  return command.option(
    '--json',
    'machine output: the JSON result on stdout, errors as JSON on stderr',
  );
}

/** For commands that talk to a server with the stored sign-in. */
export function withServer(command: Command): Command {
  return withJson(
    command.option('--server <url>', 'server URL (default: the one you signed in to)'),
  );
}

export interface ServerCommandFlags {
  server?: string;
  json?: boolean;
}

/** For objects whose id an admin may choose (groups, templates, labels), so it can be typed later. */
export function withChosenId(command: Command): Command {
  return command.option(
    '--id <id>',
    'a stable id of your choosing (lowercase letters, digits, - and _); default: generated',
  );
}

export function chosenId(flags: { id?: string }): { id?: string } {
  return flags.id === undefined ? {} : { id: flags.id };
}
