// Every command teaches by example: its --help ends with a real `$ conclave …` line.
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../src/main.ts';
import { runCli, tempDir } from './helpers/cli.ts';

function allCommands(command: Command, path: string[] = []): { path: string; command: Command }[] {
  return command.commands.flatMap((child) => {
    const childPath = [...path, child.name()];
    return [{ path: childPath.join(' '), command: child }, ...allCommands(child, childPath)];
  });
}

function helpOf(command: Command): string {
  let text = '';
  command.configureOutput({
    writeOut: (chunk) => (text += chunk),
    writeErr: (chunk) => (text += chunk),
  });
  command.outputHelp();
  return text;
}

describe('conclave --help', () => {
  const program = buildProgram();
  const commands = allCommands(program);
  const leaves = commands.filter(({ command }) => command.commands.length === 0);

  it('covers every command group of the brief', () => {
    const paths = leaves.map(({ path }) => path);
    for (const expected of [
      'server start',
      'admin bootstrap',
      'sign-in',
      'sign-out',
      'whoami',
      'policy new',
      'policy grant',
      'policy revoke',
      'policy effective',
      'template new',
      'label new',
      'compliance grant',
      'user new',
      'group add-member',
      'licence grant',
      'tenant set',
      'audit',
      'meeting schedule',
      'meeting start',
      'call',
    ]) {
      expect(paths).toContain(expected);
    }
  });

  it.each(commands.map(({ path, command }) => [path, command] as const))(
    '`conclave %s --help` shows a real example',
    (path, command) => {
      const help = helpOf(command);
      expect(help).toContain('Example:');
      // The example runs this very command, not a neighbour's.
      expect(help).toContain(`$ conclave ${path}`);
    },
  );

  it('works through the real binary, with the example, exit 0', async () => {
    const config = await tempDir('help');
    try {
      const result = await runCli(['policy', 'new', '--help'], { configDir: config.path });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Usage: conclave policy new');
      expect(result.stdout).toContain(
        '$ conclave policy new Sensitive --meeting-e2ee DisabledUserOverride',
      );
    } finally {
      await config.remove();
    }
  });
});
