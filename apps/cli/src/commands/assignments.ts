// `grant`, `revoke` and `assignments` for both policy kinds that are assigned the same way
// (encryption policies and compliance recording policies, spec §1–2): to a user, to a group with a
// rank, or org-wide.
import { Option } from 'commander';
import type { Command } from 'commander';
import type { ApiClient } from '../api/client.ts';
import { getList, unwrapItem } from '../api/envelope.ts';
import { listGroups, listUsers, resolveGroup, resolveUser } from '../api/resolve.ts';
import { connect } from '../api/session.ts';
import type { Assignment } from '../api/types.ts';
import { CliError } from '../errors.ts';
import { emit, printJson } from '../output/print.ts';
import { formatTable } from '../output/table.ts';
import { example, withServer } from './define.ts';
import type { ServerCommandFlags } from './define.ts';
import { positiveInteger } from './parsers.ts';

export interface AssignmentKind {
  /** The command word: `policy` or `compliance`. */
  command: string;
  /** What is assigned, for messages: `encryption policy`, with its article and plural. */
  noun: string;
  aNoun: string;
  nouns: string;
  /** REST collection, e.g. `/api/admin/encryption-policy-assignments`. */
  path: string;
  /** Group assignments of encryption policies need a rank (1 = highest, unique per policy type). */
  rankRequired: boolean;
  examplePolicy: string;
}

interface TargetFlags extends ServerCommandFlags {
  user?: string;
  group?: string;
  rank?: number;
  global?: boolean;
  id?: string;
}

export function registerAssignmentCommands(parent: Command, kind: AssignmentKind): void {
  const grant = withServer(
    targetOptions(
      parent
        .command('grant')
        .description(`assign ${kind.aNoun} to a user, to a group (with a rank), or org-wide`)
        .argument('<name>', `the ${kind.noun}`),
    ).addOption(
      new Option('--rank <n>', 'for --group: 1 is the highest; unique per policy type').argParser(
        positiveInteger,
      ),
    ),
  ).action((name: string, flags: TargetFlags) => grantAction(kind, name, flags));
  example(
    grant,
    `conclave ${kind.command} grant ${kind.examplePolicy} --group finance --rank 1`,
    `conclave ${kind.command} grant ${kind.examplePolicy} --user alice@example.org`,
    `conclave ${kind.command} grant ${kind.examplePolicy} --global`,
  );

  const revoke = withServer(
    targetOptions(
      parent
        .command('revoke')
        .description(`remove an assignment of ${kind.aNoun}`)
        .argument('[name]', `only assignments of this ${kind.noun}`),
    ).addOption(
      new Option('--id <id>', 'the assignment id (see `assignments`)').conflicts([
        'user',
        'group',
        'global',
      ]),
    ),
  ).action((name: string | undefined, flags: TargetFlags) => revokeAction(kind, name, flags));
  example(
    revoke,
    `conclave ${kind.command} revoke ${kind.examplePolicy} --group finance`,
    `conclave ${kind.command} revoke --id 3f1c…`,
  );

  const list = withServer(
    parent
      .command('assignments')
      .description(`list where ${kind.nouns} are assigned`)
      .argument('[name]', `only this ${kind.noun}`),
  ).action((name: string | undefined, flags: ServerCommandFlags) => listAction(kind, name, flags));
  example(list, `conclave ${kind.command} assignments ${kind.examplePolicy}`);
}

function targetOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--user <user>', 'a user, by email, name or id').conflicts(['group', 'global']),
    )
    .addOption(new Option('--group <group>', 'a group, by name or id').conflicts(['global']))
    .addOption(new Option('--global', 'the org-wide default'));
}

async function grantAction(kind: AssignmentKind, name: string, flags: TargetFlags): Promise<void> {
  if (flags.rank !== undefined && flags.group === undefined) {
    throw new CliError('usage', '--rank only applies with --group');
  }
  if (flags.user === undefined && flags.group === undefined && flags.global !== true) {
    throw new CliError(
      'usage',
      'say who gets it: --user USER, --group GROUP --rank N, or --global',
    );
  }
  if (flags.group !== undefined && flags.rank === undefined && kind.rankRequired) {
    throw new CliError('usage', '--group needs --rank N (1 is the highest)');
  }
  const { api } = await connect(flags);
  let body: Record<string, unknown>;
  if (flags.user !== undefined) {
    body = { policy: name, user: (await resolveUser(api, flags.user)).id };
  } else if (flags.group !== undefined) {
    const group = await resolveGroup(api, flags.group);
    body = {
      policy: name,
      group: group.id,
      ...(flags.rank === undefined ? {} : { rank: flags.rank }),
    };
  } else if (flags.global === true) {
    body = { policy: name, global: true };
  } else {
    throw new Error('unreachable: the target was checked above');
  }
  const response = await api.post<unknown>(kind.path, body);
  const assignment = unwrapItem<Assignment>(response, 'assignment');
  const replaced = (response as { replaced?: unknown }).replaced;
  emit(flags, response, () => {
    const target =
      flags.user !== undefined
        ? `user ${flags.user}`
        : flags.group !== undefined
          ? `group ${flags.group} (rank ${flags.rank ?? '-'})`
          : 'the whole organization (global)';
    const lines = [`Assigned ${kind.noun} ${name} to ${target} [assignment ${assignment.id}].`];
    if (typeof replaced === 'string') lines.push(`It replaces assignment ${replaced}.`);
    return lines;
  });
}

async function revokeAction(
  kind: AssignmentKind,
  name: string | undefined,
  flags: TargetFlags,
): Promise<void> {
  if (
    flags.id === undefined &&
    flags.user === undefined &&
    flags.group === undefined &&
    flags.global !== true
  ) {
    throw new CliError(
      'usage',
      'say which assignment: --user USER, --group GROUP, --global or --id ID',
    );
  }
  const { api } = await connect(flags);
  let id: string;
  if (flags.id !== undefined) {
    id = flags.id;
  } else {
    const match = await findAssignment(api, kind, name, flags);
    id = match.id;
  }
  const response = await api.delete<unknown>(`${kind.path}/${encodeURIComponent(id)}`);
  emit(flags, response, () => `Removed ${kind.noun} assignment ${id}.`);
}

async function findAssignment(
  api: ApiClient,
  kind: AssignmentKind,
  name: string | undefined,
  flags: TargetFlags,
): Promise<Assignment> {
  const all = await getList<Assignment>(api, kind.path, 'assignments');
  let matches = all.filter((assignment) => name === undefined || assignment.policy === name);
  let target: string;
  if (flags.user !== undefined) {
    const user = await resolveUser(api, flags.user);
    matches = matches.filter((assignment) => 'user' in assignment && assignment.user === user.id);
    target = `user ${user.email}`;
  } else if (flags.group !== undefined) {
    const group = await resolveGroup(api, flags.group);
    matches = matches.filter(
      (assignment) => 'group' in assignment && assignment.group === group.id,
    );
    target = `group ${group.name}`;
  } else {
    matches = matches.filter((assignment) => 'global' in assignment);
    target = 'the organization (global)';
  }
  const [first, ...rest] = matches;
  const what = name === undefined ? `no ${kind.noun}` : `${kind.noun} ${name}`;
  if (first === undefined) throw new CliError('invalid_input', `${what} is assigned to ${target}`);
  if (rest.length > 0) {
    const ids = matches.map((assignment) => `${assignment.policy} = ${assignment.id}`).join(', ');
    throw new CliError('invalid_input', `${target} has several assignments (${ids}); use --id`);
  }
  return first;
}

async function listAction(
  kind: AssignmentKind,
  name: string | undefined,
  flags: ServerCommandFlags,
): Promise<void> {
  const { api } = await connect(flags);
  const assignments = (await getList<Assignment>(api, kind.path, 'assignments')).filter(
    (assignment) => name === undefined || assignment.policy === name,
  );
  if (flags.json === true) {
    printJson({ assignments });
    return;
  }
  const describe = await targetDescriber(api);
  const sorted = [...assignments].sort(
    (a, b) => order(a) - order(b) || (rankOf(a) ?? 0) - (rankOf(b) ?? 0),
  );
  emit(flags, sorted, (rows) =>
    formatTable(rows, [
      { header: 'id', value: (row) => row.id },
      { header: 'policy', value: (row) => row.policy },
      { header: 'assigned to', value: describe },
      { header: 'rank', value: (row) => String(rankOf(row) ?? '') },
    ]),
  );
}

/** Direct first, then groups by rank, then global: the order in which they win (spec §2). */
function order(assignment: Assignment): number {
  if ('user' in assignment) return 0;
  if ('group' in assignment) return 1;
  return 2;
}

/** Only group assignments are ranked. */
function rankOf(assignment: Assignment): number | undefined {
  return 'rank' in assignment ? assignment.rank : undefined;
}

export async function targetDescriber(api: ApiClient): Promise<(assignment: Assignment) => string> {
  const [users, groups] = await Promise.all([listUsers(api), listGroups(api)]);
  const emails = new Map(users.map((user) => [user.id, user.email]));
  const groupNames = new Map(groups.map((group) => [group.id, group.name]));
  return (assignment) => {
    if ('user' in assignment) return `user ${emails.get(assignment.user) ?? assignment.user}`;
    if ('group' in assignment) {
      return `group ${groupNames.get(assignment.group) ?? assignment.group}`;
    }
    return 'everyone (global)';
  };
}
