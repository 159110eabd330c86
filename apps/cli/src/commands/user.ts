// `conclave user …` and `conclave licence …`: the people of the tenant, their role, and the
// premium licence that E2EE meetings need (spec §1, §3).
import { Option } from 'commander';
import type { Command } from 'commander';
import type { ApiClient } from '../api/client.ts';
import { unwrapItem, unwrapList } from '../api/envelope.ts';
import { resolveUser } from '../api/resolve.ts';
import { connect } from '../api/session.ts';
import type { User } from '../api/types.ts';
import { CliError } from '../errors.ts';
import { readStdin } from '../input/password.ts';
import { emit, formatFields } from '../output/print.ts';
import { formatTable } from '../output/table.ts';
import { example, withServer } from './define.ts';
import { registerUserAccessCommands } from './user-access.ts';
import type { ServerCommandFlags } from './define.ts';

interface UserFlags extends ServerCommandFlags {
  email?: string;
  name?: string;
  role?: 'admin' | 'user';
  premium?: boolean;
  passwordStdin?: boolean;
  /** False with --no-one-time. */
  oneTime?: boolean;
}

const roleOption = (): Option =>
  new Option('--role <role>', 'admin or user').choices(['admin', 'user']);

export function formatUser(user: User): string[] {
  return formatFields([
    ['User', user.email],
    ['Name', user.displayName],
    ['Id', user.id],
    ['Role', user.role],
    ['Premium licence', user.premium ? 'yes' : 'no'],
    ['Groups', user.groups === undefined ? undefined : user.groups.join(', ') || '(none)'],
    ['Status', statusOf(user)],
  ]);
}

/** Enabled or disabled, and whether the password still has to be changed. */
export function statusOf(user: User): string {
  if (user.disabled) return 'disabled';
  return user.mustChangePassword ? 'must change password' : 'active';
}

function userPath(id: string): string {
  return `/api/admin/users/${encodeURIComponent(id)}`;
}

async function passwordFrom(
  flags: UserFlags,
): Promise<{ password?: string; mustChangePassword?: boolean }> {
  if (flags.passwordStdin !== true) {
    if (flags.oneTime === false)
      throw new CliError('usage', '--no-one-time goes with --password-stdin');
    return {};
  }
  const password = await readStdin();
  if (password === '') throw new CliError('usage', 'the password from --password-stdin is empty');
  // A password an admin sets is one-time unless said otherwise (the server's default too).
  return { password, mustChangePassword: flags.oneTime !== false };
}

const oneTimeHelp =
  'with --password-stdin: the password is not one-time (not changed at first sign-in)';

export function registerUserCommands(program: Command): void {
  const user = program
    .command('user')
    .description('users of the organization, their role and licence');
  example(user, 'conclave user new alice@example.org --premium', 'conclave user list');

  const create = withServer(
    user
      .command('new')
      .description('create a user; without --password-stdin the server makes a one-time password')
      .argument('<email>')
      .option('--name <display-name>', 'display name (default: the part of the email before @)')
      .addOption(roleOption().default('user'))
      .option('--premium', 'give the premium licence (needed to organize E2EE meetings)')
      .option('--password-stdin', 'read the initial password from stdin (one-time by default)')
      .option('--no-one-time', oneTimeHelp),
  ).action(async (email: string, flags: UserFlags) => {
    const body = {
      email,
      displayName: flags.name ?? email.split('@')[0] ?? email,
      role: flags.role ?? 'user',
      premium: flags.premium === true,
      ...(await passwordFrom(flags)),
    };
    const { api } = await connect(flags);
    const response = await api.post<{ user?: User; password?: string }>('/api/admin/users', body);
    emit(flags, response, (value) => {
      const lines = ['Created user.', ...formatUser(unwrapItem<User>(value, 'user'))];
      if (typeof value.password === 'string') {
        lines.push(`One-time password (shown once, give it to the user): ${value.password}`);
      }
      return lines;
    });
  });
  example(create, 'conclave user new alice@example.org --name "Alice Ng" --premium');

  const set = withServer(
    user
      .command('set')
      .description('change a user')
      .argument('<user>', 'email, display name or id')
      .option('--email <email>', 'new email')
      .option('--name <display-name>', 'new display name')
      .addOption(roleOption())
      .option('--premium', 'give the premium licence')
      .option('--no-premium', 'take the premium licence away')
      .option('--password-stdin', 'set a new password, read from stdin (one-time by default)')
      .option('--no-one-time', oneTimeHelp),
  ).action(async (ref: string, flags: UserFlags) => {
    const body = {
      ...(flags.email === undefined ? {} : { email: flags.email }),
      ...(flags.name === undefined ? {} : { displayName: flags.name }),
      ...(flags.role === undefined ? {} : { role: flags.role }),
      ...(flags.premium === undefined ? {} : { premium: flags.premium }),
      ...(await passwordFrom(flags)),
    };
    if (Object.keys(body).length === 0) {
      throw new CliError(
        'usage',
        'nothing to change: give --email, --name, --role, --premium/--no-premium or --password-stdin',
      );
    }
    const { api } = await connect(flags);
    const found = await resolveUser(api, ref);
    const response = await api.patch<unknown>(userPath(found.id), body);
    emit(flags, response, (value) => [
      'Updated user.',
      ...formatUser(unwrapItem<User>(value, 'user')),
    ]);
  });
  example(set, 'conclave user set alice@example.org --role admin --no-premium');

  const get = withServer(
    user.command('get').description('show a user').argument('<user>', 'email, display name or id'),
  ).action(async (ref: string, flags: ServerCommandFlags) => {
    const { api } = await connect(flags);
    const found = await resolveUser(api, ref);
    const response = await api.get<unknown>(userPath(found.id));
    emit(flags, response, (value) => formatUser(unwrapItem<User>(value, 'user')));
  });
  example(get, 'conclave user get alice@example.org');

  const list = withServer(user.command('list').description('list users')).action(
    async (flags: ServerCommandFlags) => {
      const { api } = await connect(flags);
      const response = await api.get<unknown>('/api/admin/users');
      emit(flags, response, (body) =>
        formatTable(unwrapList<User>(body, 'users'), [
          { header: 'email', value: (row) => row.email },
          { header: 'name', value: (row) => row.displayName },
          { header: 'role', value: (row) => row.role },
          { header: 'premium', value: (row) => (row.premium ? 'yes' : 'no') },
          { header: 'status', value: statusOf },
          { header: 'id', value: (row) => row.id },
        ]),
      );
    },
  );
  example(list, 'conclave user list');

  const remove = withServer(
    user
      .command('remove')
      .description('delete a user')
      .argument('<user>', 'email, display name or id'),
  ).action(async (ref: string, flags: ServerCommandFlags) => {
    const { api } = await connect(flags);
    const found = await resolveUser(api, ref);
    const response = await api.delete<unknown>(userPath(found.id));
    emit(flags, response, () => `Deleted user ${found.email}.`);
  });
  example(remove, 'conclave user remove alice@example.org');

  const unlock = withServer(
    user
      .command('unlock')
      .description('lift the sign-in limit that failed attempts put on a user (audited)')
      .argument('<user>', 'email, display name or id'),
  ).action(async (ref: string, flags: ServerCommandFlags) => {
    const { api } = await connect(flags);
    const found = await resolveUser(api, ref);
    const response = await api.post<unknown>(`${userPath(found.id)}/unlock`);
    emit(flags, response, () => `${found.email} can sign in again at once.`);
  });
  example(unlock, 'conclave user unlock alice@example.org');

  registerUserAccessCommands(user);

  const licence = program
    .command('licence')
    .alias('license')
    .description('the premium licence, which organizing E2EE meetings needs');
  example(licence, 'conclave licence grant alice@example.org');
  for (const [verb, premium] of [
    ['grant', true],
    ['revoke', false],
  ] as const) {
    const command = withServer(
      licence
        .command(verb)
        .description(
          premium ? 'give a user the premium licence' : "take a user's premium licence away",
        )
        .argument('<user>', 'email, display name or id'),
    ).action(async (ref: string, flags: ServerCommandFlags) => {
      const { api } = await connect(flags);
      const response = await setPremium(api, ref, premium);
      emit(flags, response.body, () =>
        premium
          ? `${response.user.email} now has the premium licence.`
          : `${response.user.email} no longer has the premium licence, which organizing E2EE meetings needs.`,
      );
    });
    example(command, `conclave licence ${verb} alice@example.org`);
  }
}

async function setPremium(
  api: ApiClient,
  ref: string,
  premium: boolean,
): Promise<{ user: User; body: unknown }> {
  const found = await resolveUser(api, ref);
  const body = await api.patch<unknown>(userPath(found.id), { premium });
  return { user: found, body };
}
