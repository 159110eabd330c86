// `conclave password change`: a signed-in user changes their own password — the step a one-time
// password (one an admin set) demands before any other command works. The current password comes
// the usual way (CONCLAVE_PASSWORD or a prompt); the new one from --new-password-stdin, the
// CONCLAVE_NEW_PASSWORD variable, or a prompt asked twice. Never from a plain flag.
import type { Command } from 'commander';
import { unwrapItem } from '../api/envelope.ts';
import { connect } from '../api/session.ts';
import type { User } from '../api/types.ts';
import { CliError } from '../errors.ts';
import { readPassword, readStdin } from '../input/password.ts';
import { emit } from '../output/print.ts';
import { example, withServer } from './define.ts';
import type { ServerCommandFlags } from './define.ts';

interface PasswordFlags extends ServerCommandFlags {
  newPasswordStdin?: boolean;
}

async function newPassword(flags: PasswordFlags): Promise<string> {
  if (flags.newPasswordStdin === true) {
    const value = await readStdin();
    if (value === '')
      throw new CliError('usage', 'the password from --new-password-stdin is empty');
    return value;
  }
  const fromEnv = process.env.CONCLAVE_NEW_PASSWORD;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!process.stdin.isTTY) {
    throw new CliError(
      'usage',
      'no new password given: pipe it with --new-password-stdin or set CONCLAVE_NEW_PASSWORD',
    );
  }
  // Asked twice: a typo in a password nobody sees would lock its owner out.
  const first = await readPassword({}, 'New password: ');
  const again = await readPassword({}, 'New password again: ');
  if (first !== again) throw new CliError('usage', 'the two new passwords differ; nothing changed');
  return first;
}

export function registerPasswordCommands(program: Command): void {
  const password = program.command('password').description('your own password');
  example(password, 'conclave password change');
  const change = withServer(
    password
      .command('change')
      .description(
        'change your password (needed first when an admin set it); your other sessions are signed out',
      )
      .option('--new-password-stdin', 'read the new password from stdin'),
  ).action(async (flags: PasswordFlags) => {
    const { api } = await connect(flags);
    const currentPassword = await readPassword({}, 'Current password: ');
    const body = { currentPassword, newPassword: await newPassword(flags) };
    const response = await api.post<{ user: User }>('/api/me/password', body);
    emit(flags, response, (value) => [
      `Password changed for ${unwrapItem<User>(value, 'user').email}; your other sessions were signed out.`,
    ]);
  });
  example(
    change,
    'conclave password change',
    'printf %s "$NEW" | CONCLAVE_PASSWORD="$OLD" conclave password change --new-password-stdin',
  );
}
