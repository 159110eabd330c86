// `conclave user disable|enable` and `conclave user bulk`: an admin turns an account off (its
// sessions and meeting sockets end at once, it cannot sign in) and on again, and applies one
// change to many users in one all-or-nothing request.
import type { Command } from 'commander';
import { unwrapItem, unwrapList } from '../api/envelope.ts';
import { resolveUser } from '../api/resolve.ts';
import { connect } from '../api/session.ts';
import type { User } from '../api/types.ts';
import { CliError } from '../errors.ts';
import { emit } from '../output/print.ts';
import { example, withServer } from './define.ts';
import type { ServerCommandFlags } from './define.ts';

interface BulkFlags extends ServerCommandFlags {
  policy?: string;
  premium?: boolean;
}

function bulkAction(flags: BulkFlags): { kind: string; policy?: string; premium?: boolean } {
  if (flags.policy !== undefined && flags.premium !== undefined) {
    throw new CliError('usage', 'one action at a time: --policy or --premium/--no-premium');
  }
  if (flags.policy !== undefined) return { kind: 'grant-encryption-policy', policy: flags.policy };
  if (flags.premium !== undefined) return { kind: 'set-premium', premium: flags.premium };
  throw new CliError('usage', 'say what to do: --policy <name>, --premium or --no-premium');
}

export function registerUserAccessCommands(user: Command): void {
  for (const [verb, disable] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    const command = withServer(
      user
        .command(verb)
        .description(
          disable
            ? 'disable a user: their sessions and meeting connections end now, and they cannot sign in (audited)'
            : 'enable a disabled user again (audited)',
        )
        .argument('<user>', 'email, display name or id'),
    ).action(async (ref: string, flags: ServerCommandFlags) => {
      const { api } = await connect(flags);
      const found = await resolveUser(api, ref);
      const response = await api.post<unknown>(
        `/api/admin/users/${encodeURIComponent(found.id)}/${verb}`,
      );
      emit(flags, response, (value) => {
        const changed = unwrapItem<User>(value, 'user');
        return disable
          ? `${changed.email} is disabled: signed out everywhere, and cannot sign in until enabled.`
          : `${changed.email} is enabled and can sign in again.`;
      });
    });
    example(command, `conclave user ${verb} alice@example.org`);
  }

  const bulk = withServer(
    user
      .command('bulk')
      .description('apply one change to several users at once, all or nothing (audited per user)')
      .argument('<users...>', 'emails, display names or ids')
      .option('--policy <name>', 'grant this encryption policy to each of them directly')
      .option('--premium', 'give each of them the premium licence')
      .option('--no-premium', 'take the premium licence from each of them'),
  ).action(async (refs: string[], flags: BulkFlags) => {
    const action = bulkAction(flags);
    const { api } = await connect(flags);
    const userIds: string[] = [];
    for (const ref of refs) userIds.push((await resolveUser(api, ref)).id);
    const response = await api.post<unknown>('/api/admin/users/bulk', { userIds, action });
    emit(flags, response, (value) => {
      const changed = unwrapList<User>(value, 'users');
      const what =
        action.kind === 'set-premium'
          ? action.premium === true
            ? 'now have the premium licence'
            : 'no longer have the premium licence'
          : `now have the encryption policy ${action.policy ?? ''}`;
      return [`${changed.length} user(s) ${what}:`, ...changed.map((u) => `  ${u.email}`)];
    });
  });
  example(
    bulk,
    'conclave user bulk alice@example.org bob@example.org --policy Sensitive',
    'conclave user bulk alice@example.org bob@example.org --no-premium',
  );
}
