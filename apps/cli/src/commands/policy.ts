// `conclave policy …`: enhanced encryption policies (spec §1–2) — the admin-center page in a CLI.
// `policy explain` (the offline what-if) lives in policy-explain.ts and hangs off the same command.
import { Option } from 'commander';
import type { Command } from 'commander';
import { unwrapItem, unwrapList } from '../api/envelope.ts';
import { listGroups, resolveUser } from '../api/resolve.ts';
import { connect } from '../api/session.ts';
import { e2eeSettings } from '../api/types.ts';
import type { E2eeSetting, EncryptionPolicy } from '../api/types.ts';
import { CliError } from '../errors.ts';
import { emit, formatFields, printJson, printLines } from '../output/print.ts';
import { formatTable } from '../output/table.ts';
import { registerAssignmentCommands } from './assignments.ts';
import { example, withServer } from './define.ts';
import type { ServerCommandFlags } from './define.ts';

const policiesPath = '/api/admin/encryption-policies';

interface PolicyFlags extends ServerCommandFlags {
  meetingE2ee?: E2eeSetting;
  callingE2ee?: E2eeSetting;
  description?: string;
}

/** The admin center's words for the two settings. */
export function describeSetting(setting: string): string {
  if (setting === 'Disabled') return 'Not enabled';
  if (setting === 'DisabledUserOverride') return 'Not enabled, but users can enable';
  return setting;
}

function settingOptions(command: Command, defaults: boolean): Command {
  const byDefault = defaults ? ' (default Disabled)' : '';
  return command
    .addOption(
      new Option(
        '--meeting-e2ee <setting>',
        `meetings: Disabled = not enabled; DisabledUserOverride = organizers can enable${byDefault}`,
      ).choices(e2eeSettings),
    )
    .addOption(
      new Option('--calling-e2ee <setting>', `1:1 calls: same values${byDefault}`).choices(
        e2eeSettings,
      ),
    )
    .option('--description <text>', 'what the policy is for');
}

function policyBody(flags: PolicyFlags): Partial<EncryptionPolicy> {
  return {
    ...(flags.description === undefined ? {} : { description: flags.description }),
    ...(flags.meetingE2ee === undefined ? {} : { meetingEndToEndEncryption: flags.meetingE2ee }),
    ...(flags.callingE2ee === undefined ? {} : { callingEndToEndEncryption: flags.callingE2ee }),
  };
}

function formatPolicy(policy: EncryptionPolicy): string[] {
  return formatFields([
    ['Policy', policy.name],
    ['Description', policy.description || undefined],
    ['Meetings E2EE', describeSetting(policy.meetingEndToEndEncryption)],
    ['Calls E2EE', describeSetting(policy.callingEndToEndEncryption)],
  ]);
}

function policyPath(name: string): string {
  return `${policiesPath}/${encodeURIComponent(name)}`;
}

export function registerPolicyCommands(policy: Command): void {
  example(
    policy,
    'conclave policy new Sensitive --meeting-e2ee DisabledUserOverride',
    'conclave policy grant Sensitive --group finance --rank 1',
  );
  const create = withServer(
    settingOptions(
      policy.command('new').description('create an encryption policy').argument('<name>'),
      true,
    ),
  ).action(async (name: string, flags: PolicyFlags) => {
    const { api } = await connect(flags);
    const response = await api.post<unknown>(policiesPath, { name, ...policyBody(flags) });
    emit(flags, response, (body) => [
      'Created encryption policy.',
      ...formatPolicy(unwrapItem<EncryptionPolicy>(body, 'policy')),
    ]);
  });
  example(
    create,
    'conclave policy new Sensitive --meeting-e2ee DisabledUserOverride --description "Board and M&A"',
  );

  const set = withServer(
    settingOptions(
      policy.command('set').description('change an encryption policy').argument('<name>'),
      false,
    ),
  ).action(async (name: string, flags: PolicyFlags) => {
    const body = policyBody(flags);
    if (Object.keys(body).length === 0) {
      throw new CliError(
        'usage',
        'nothing to change: give --meeting-e2ee, --calling-e2ee or --description',
      );
    }
    const { api } = await connect(flags);
    const response = await api.patch<unknown>(policyPath(name), body);
    emit(flags, response, (value) => [
      'Updated encryption policy.',
      ...formatPolicy(unwrapItem<EncryptionPolicy>(value, 'policy')),
    ]);
  });
  example(set, 'conclave policy set Global --calling-e2ee DisabledUserOverride');

  const get = withServer(
    policy.command('get').description('show one encryption policy').argument('<name>'),
  ).action(async (name: string, flags: ServerCommandFlags) => {
    const { api } = await connect(flags);
    const response = await api.get<unknown>(policyPath(name));
    emit(flags, response, (value) => formatPolicy(unwrapItem<EncryptionPolicy>(value, 'policy')));
  });
  example(get, 'conclave policy get Global');

  const list = withServer(policy.command('list').description('list encryption policies')).action(
    async (flags: ServerCommandFlags) => {
      const { api } = await connect(flags);
      const response = await api.get<unknown>(policiesPath);
      emit(flags, response, (body) =>
        formatTable(unwrapList<EncryptionPolicy>(body, 'policies'), [
          { header: 'name', value: (row) => row.name },
          { header: 'meetings', value: (row) => describeSetting(row.meetingEndToEndEncryption) },
          { header: 'calls', value: (row) => describeSetting(row.callingEndToEndEncryption) },
          { header: 'description', value: (row) => row.description ?? '' },
        ]),
      );
    },
  );
  example(list, 'conclave policy list');

  const remove = withServer(
    policy
      .command('remove')
      .description('delete an encryption policy (the built-in Global cannot be deleted)')
      .argument('<name>'),
  ).action(async (name: string, flags: ServerCommandFlags) => {
    const { api } = await connect(flags);
    const response = await api.delete<unknown>(policyPath(name));
    emit(flags, response, () => `Deleted encryption policy ${name}.`);
  });
  example(remove, 'conclave policy remove Sensitive');

  registerAssignmentCommands(policy, {
    command: 'policy',
    noun: 'encryption policy',
    aNoun: 'an encryption policy',
    nouns: 'encryption policies',
    path: '/api/admin/encryption-policy-assignments',
    rankRequired: true,
    examplePolicy: 'NoE2EE',
  });

  const effective = withServer(
    policy
      .command('effective')
      .description('which encryption policy applies to a user, and why (direct, group, or global)')
      .argument('<user>', 'email, display name or id'),
  ).action(async (ref: string, flags: ServerCommandFlags) => {
    const { api } = await connect(flags);
    const user = await resolveUser(api, ref);
    const response = await api.get<{ policy: EncryptionPolicy; source: string }>(
      `/api/admin/effective-policy/${encodeURIComponent(user.id)}`,
    );
    if (flags.json === true) {
      printJson(response);
      return;
    }
    const source = await describeSource(response.source, () => listGroups(api));
    printLines([
      `${user.email} has encryption policy ${response.policy.name}: ${source}.`,
      ...formatPolicy(response.policy).slice(1),
    ]);
  });
  example(effective, 'conclave policy effective alice@example.org');
}

async function describeSource(
  source: string,
  groups: () => Promise<{ id: string; name: string }[]>,
): Promise<string> {
  if (source === 'direct') return 'assigned to the user directly';
  if (source === 'global') return 'the org-wide default (global)';
  if (source.startsWith('group:')) {
    const id = source.slice('group:'.length);
    const name = (await groups()).find((group) => group.id === id)?.name ?? id;
    return `through group ${name} (the best-ranked of the user's groups with an assignment)`;
  }
  return source;
}
