// `conclave group …`: groups, which policies can be assigned to with a rank (spec §2).
import type { Command } from 'commander';
import type { ApiClient } from '../api/client.ts';
import { unwrapItem, unwrapList } from '../api/envelope.ts';
import { listUsers, resolveGroup, resolveUser } from '../api/resolve.ts';
import { connect } from '../api/session.ts';
import type { Group } from '../api/types.ts';
import { emit, formatFields, printJson, printLines } from '../output/print.ts';
import { formatTable } from '../output/table.ts';
import { chosenId, example, withChosenId, withServer } from './define.ts';
import type { ServerCommandFlags } from './define.ts';
import { collectList } from './parsers.ts';

function groupPath(id: string): string {
  return `/api/admin/groups/${encodeURIComponent(id)}`;
}

async function formatGroup(api: ApiClient, group: Group): Promise<string[]> {
  const users = await listUsers(api);
  const emails = new Map(users.map((user) => [user.id, user.email]));
  return formatFields([
    ['Group', group.name],
    ['Id', group.id],
    ['Members', group.members.map((id) => emails.get(id) ?? id).join(', ') || '(none)'],
  ]);
}

export function registerGroupCommands(program: Command): void {
  const group = program
    .command('group')
    .description('groups of users, for ranked policy assignments');
  example(group, 'conclave group list', 'conclave group add-member finance carol@example.org');

  const create = withServer(
    withChosenId(
      group
        .command('new')
        .description('create a group')
        .argument('<name>')
        .option(
          '--member <users>',
          'members by email, name or id (comma-separated, repeatable)',
          collectList,
        ),
    ),
  ).action(async (name: string, flags: ServerCommandFlags & { member?: string[]; id?: string }) => {
    const { api } = await connect(flags);
    const members: string[] = [];
    for (const ref of flags.member ?? []) members.push((await resolveUser(api, ref)).id);
    const response = await api.post<unknown>('/api/admin/groups', {
      ...chosenId(flags),
      name,
      members,
    });
    if (flags.json === true) printJson(response);
    else
      printLines([
        'Created group.',
        ...(await formatGroup(api, unwrapItem<Group>(response, 'group'))),
      ]);
  });
  example(
    create,
    'conclave group new Finance --id finance --member alice@example.org,bob@example.org',
  );

  const list = withServer(group.command('list').description('list groups')).action(
    async (flags: ServerCommandFlags) => {
      const { api } = await connect(flags);
      const response = await api.get<unknown>('/api/admin/groups');
      emit(flags, response, (body) =>
        formatTable(unwrapList<Group>(body, 'groups'), [
          { header: 'name', value: (row) => row.name },
          { header: 'id', value: (row) => row.id },
          { header: 'members', value: (row) => String(row.members?.length ?? 0) },
        ]),
      );
    },
  );
  example(list, 'conclave group list');

  const get = withServer(
    group
      .command('get')
      .description('show a group and its members')
      .argument('<group>', 'name or id'),
  ).action(async (ref: string, flags: ServerCommandFlags) => {
    const { api } = await connect(flags);
    const found = await resolveGroup(api, ref);
    const response = await api.get<unknown>(groupPath(found.id));
    if (flags.json === true) printJson(response);
    else printLines(await formatGroup(api, unwrapItem<Group>(response, 'group')));
  });
  example(get, 'conclave group get finance');

  const remove = withServer(
    group.command('remove').description('delete a group').argument('<group>', 'name or id'),
  ).action(async (ref: string, flags: ServerCommandFlags) => {
    const { api } = await connect(flags);
    const found = await resolveGroup(api, ref);
    const response = await api.delete<unknown>(groupPath(found.id));
    emit(flags, response, () => `Deleted group ${found.name}.`);
  });
  example(remove, 'conclave group remove finance');

  const addMember = withServer(
    group
      .command('add-member')
      .description('add a user to a group')
      .argument('<group>', 'name or id')
      .argument('<user>', 'email, display name or id'),
  ).action(async (groupRef: string, userRef: string, flags: ServerCommandFlags) => {
    const { api } = await connect(flags);
    const [found, user] = await Promise.all([
      resolveGroup(api, groupRef),
      resolveUser(api, userRef),
    ]);
    const response = await api.post<unknown>(`${groupPath(found.id)}/members`, { userId: user.id });
    emit(flags, response, () => `Added ${user.email} to group ${found.name}.`);
  });
  example(addMember, 'conclave group add-member finance carol@example.org');

  const removeMember = withServer(
    group
      .command('remove-member')
      .description('remove a user from a group')
      .argument('<group>', 'name or id')
      .argument('<user>', 'email, display name or id'),
  ).action(async (groupRef: string, userRef: string, flags: ServerCommandFlags) => {
    const { api } = await connect(flags);
    const [found, user] = await Promise.all([
      resolveGroup(api, groupRef),
      resolveUser(api, userRef),
    ]);
    const response = await api.delete<unknown>(
      `${groupPath(found.id)}/members/${encodeURIComponent(user.id)}`,
    );
    emit(flags, response, () => `Removed ${user.email} from group ${found.name}.`);
  });
  example(removeMember, 'conclave group remove-member finance carol@example.org');
}
