// `conclave compliance …`: compliance recording policies. A user under an enabled one cannot hold
// or join E2EE meetings or calls (spec §3, §5, §6); assignments resolve like encryption policies.
import type { Command } from 'commander';
import { unwrapItem, unwrapList } from '../api/envelope.ts';
import { connect } from '../api/session.ts';
import type { ComplianceRecordingPolicy } from '../api/types.ts';
import { CliError } from '../errors.ts';
import { emit, formatFields } from '../output/print.ts';
import { formatTable } from '../output/table.ts';
import { registerAssignmentCommands } from './assignments.ts';
import { example, withServer } from './define.ts';
import type { ServerCommandFlags } from './define.ts';

const policiesPath = '/api/admin/compliance-recording-policies';

interface ComplianceFlags extends ServerCommandFlags {
  enabled?: boolean;
}

function policyPath(name: string): string {
  return `${policiesPath}/${encodeURIComponent(name)}`;
}

function formatPolicy(policy: ComplianceRecordingPolicy): string[] {
  return formatFields([
    ['Compliance recording policy', policy.name],
    ['Enabled', policy.enabled ? 'yes (users under it cannot use E2EE)' : 'no'],
  ]);
}

export function registerComplianceCommands(program: Command): void {
  const compliance = program
    .command('compliance')
    .description('compliance recording policies (users under one cannot use E2EE)');
  example(
    compliance,
    'conclave compliance new LegalHold',
    'conclave compliance grant LegalHold --group legal',
  );

  const create = withServer(
    compliance
      .command('new')
      .description('create a compliance recording policy (enabled unless --disabled)')
      .argument('<name>')
      .option('--disabled', 'create it switched off'),
  ).action(async (name: string, flags: ServerCommandFlags & { disabled?: boolean }) => {
    const { api } = await connect(flags);
    const response = await api.post<unknown>(policiesPath, {
      name,
      enabled: flags.disabled !== true,
    });
    emit(flags, response, (body) => [
      'Created compliance recording policy.',
      ...formatPolicy(unwrapItem<ComplianceRecordingPolicy>(body, 'policy')),
    ]);
  });
  example(create, 'conclave compliance new LegalHold');

  const set = withServer(
    compliance
      .command('set')
      .description('switch a compliance recording policy on or off')
      .argument('<name>')
      .option('--enabled', 'switch it on')
      .option('--no-enabled', 'switch it off'),
  ).action(async (name: string, flags: ComplianceFlags) => {
    if (flags.enabled === undefined)
      throw new CliError('usage', 'nothing to change: give --enabled or --no-enabled');
    const { api } = await connect(flags);
    const response = await api.patch<unknown>(policyPath(name), { enabled: flags.enabled });
    emit(flags, response, (body) => [
      'Updated compliance recording policy.',
      ...formatPolicy(unwrapItem<ComplianceRecordingPolicy>(body, 'policy')),
    ]);
  });
  example(set, 'conclave compliance set LegalHold --no-enabled');

  const get = withServer(
    compliance.command('get').description('show a compliance recording policy').argument('<name>'),
  ).action(async (name: string, flags: ServerCommandFlags) => {
    const { api } = await connect(flags);
    const response = await api.get<unknown>(policyPath(name));
    emit(flags, response, (body) =>
      formatPolicy(unwrapItem<ComplianceRecordingPolicy>(body, 'policy')),
    );
  });
  example(get, 'conclave compliance get LegalHold');

  const list = withServer(
    compliance.command('list').description('list compliance recording policies'),
  ).action(async (flags: ServerCommandFlags) => {
    const { api } = await connect(flags);
    const response = await api.get<unknown>(policiesPath);
    emit(flags, response, (body) =>
      formatTable(unwrapList<ComplianceRecordingPolicy>(body, 'policies'), [
        { header: 'name', value: (row) => row.name },
        { header: 'enabled', value: (row) => (row.enabled ? 'yes' : 'no') },
      ]),
    );
  });
  example(list, 'conclave compliance list');

  const remove = withServer(
    compliance
      .command('remove')
      .description('delete a compliance recording policy')
      .argument('<name>'),
  ).action(async (name: string, flags: ServerCommandFlags) => {
    const { api } = await connect(flags);
    const response = await api.delete<unknown>(policyPath(name));
    emit(flags, response, () => `Deleted compliance recording policy ${name}.`);
  });
  example(remove, 'conclave compliance remove LegalHold');

  registerAssignmentCommands(compliance, {
    command: 'compliance',
    noun: 'compliance recording policy',
    aNoun: 'a compliance recording policy',
    nouns: 'compliance recording policies',
    path: '/api/admin/compliance-recording-assignments',
    rankRequired: false,
    examplePolicy: 'LegalHold',
  });
}
