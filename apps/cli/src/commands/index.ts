// Every top-level command registers itself here. One file per command group.
import type { Command } from 'commander';

export function registerCommands(_program: Command): void {}
