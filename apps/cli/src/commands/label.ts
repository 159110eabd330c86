// `conclave label …`: sensitivity labels. A label that applies E2EE forces it on and locks it, and
// waives the organizer's encryption policy check (spec §3–4).
import { Option } from 'commander';
import type { Command } from 'commander';
import { unwrapItem, unwrapList } from '../api/envelope.ts';
import { resolveLabel } from '../api/resolve.ts';
import { connect } from '../api/session.ts';
import type { Label } from '../api/types.ts';
import { CliError } from '../errors.ts';
import { emit, formatFields } from '../output/print.ts';
import { formatTable } from '../output/table.ts';
import { chosenId, example, withChosenId, withServer } from './define.ts';
import type { ServerCommandFlags } from './define.ts';

interface LabelFlags extends ServerCommandFlags {
  e2ee?: 'apply' | 'dontApply';
  postQuantum?: 'require' | 'dontRequire';
  name?: string;
}

const postQuantumOption = (): Option =>
  new Option(
    '--post-quantum <require|dontRequire>',
    "require = this label's E2EE meetings run on the X-Wing suite; clients that cannot are blocked",
  ).choices(['require', 'dontRequire']);

const e2eeOption = (): Option =>
  new Option(
    '--e2ee <apply|dontApply>',
    'apply = meetings with this label are end-to-end encrypted, locked',
  ).choices(['apply', 'dontApply']);

function describeLabelE2ee(label: Label): string {
  return label.meeting?.endToEndEncryption === 'apply'
    ? 'apply (meetings are end-to-end encrypted, locked)'
    : 'dontApply (no effect on encryption)';
}

function formatLabel(label: Label): string[] {
  return formatFields([
    ['Label', label.name],
    ['Id', label.id],
    ['E2EE', describeLabelE2ee(label)],
    [
      'Post-quantum',
      label.meeting?.postQuantumEncryption === 'require'
        ? 'require (its E2EE meetings run on the X-Wing suite)'
        : 'dontRequire',
    ],
  ]);
}

export function registerLabelCommands(program: Command): void {
  const label = program
    .command('label')
    .description('sensitivity labels that can require E2EE for meetings');
  example(label, 'conclave label new "Highly confidential" --e2ee apply');

  const create = withServer(
    withChosenId(
      label
        .command('new')
        .description('create a sensitivity label')
        .argument('<name>')
        .addOption(e2eeOption().makeOptionMandatory())
        .addOption(postQuantumOption()),
    ),
  ).action(async (name: string, flags: LabelFlags & { id?: string }) => {
    const { api } = await connect(flags);
    const response = await api.post<unknown>('/api/admin/labels', {
      ...chosenId(flags),
      name,
      meeting: {
        endToEndEncryption: flags.e2ee,
        ...(flags.postQuantum === undefined ? {} : { postQuantumEncryption: flags.postQuantum }),
      },
    });
    emit(flags, response, (body) => [
      'Created label.',
      ...formatLabel(unwrapItem<Label>(body, 'label')),
    ]);
  });
  example(create, 'conclave label new "Highly confidential" --e2ee apply');

  const set = withServer(
    label
      .command('set')
      .description('change a sensitivity label')
      .argument('<label>', 'name or id')
      .addOption(e2eeOption())
      .addOption(postQuantumOption())
      .option('--name <name>', 'rename it'),
  ).action(async (ref: string, flags: LabelFlags) => {
    if (flags.e2ee === undefined && flags.postQuantum === undefined && flags.name === undefined) {
      throw new CliError('usage', 'nothing to change: give --e2ee, --post-quantum or --name');
    }
    const { api } = await connect(flags);
    const current = await resolveLabel(api, ref, 'admin');
    const body = {
      name: flags.name ?? current.name,
      meeting: {
        ...current.meeting,
        ...(flags.e2ee === undefined ? {} : { endToEndEncryption: flags.e2ee }),
        ...(flags.postQuantum === undefined ? {} : { postQuantumEncryption: flags.postQuantum }),
      },
    };
    const response = await api.put<unknown>(
      `/api/admin/labels/${encodeURIComponent(current.id)}`,
      body,
    );
    emit(flags, response, (value) => [
      'Updated label.',
      ...formatLabel(unwrapItem<Label>(value, 'label')),
    ]);
  });
  example(set, 'conclave label set "Highly confidential" --e2ee dontApply');

  const get = withServer(
    label.command('get').description('show a sensitivity label').argument('<label>', 'name or id'),
  ).action(async (ref: string, flags: ServerCommandFlags) => {
    const { api } = await connect(flags);
    const { id } = await resolveLabel(api, ref, 'admin');
    const response = await api.get<unknown>(`/api/admin/labels/${encodeURIComponent(id)}`);
    emit(flags, response, (value) => formatLabel(unwrapItem<Label>(value, 'label')));
  });
  example(get, 'conclave label get "Highly confidential"');

  const list = withServer(label.command('list').description('list sensitivity labels')).action(
    async (flags: ServerCommandFlags) => {
      const { api } = await connect(flags);
      const response = await api.get<unknown>('/api/admin/labels');
      emit(flags, response, (body) =>
        formatTable(unwrapList<Label>(body, 'labels'), [
          { header: 'name', value: (row) => row.name },
          { header: 'id', value: (row) => row.id },
          { header: 'e2ee', value: (row) => row.meeting?.endToEndEncryption ?? 'dontApply' },
          {
            header: 'post-quantum',
            value: (row) => row.meeting?.postQuantumEncryption ?? 'dontRequire',
          },
        ]),
      );
    },
  );
  example(list, 'conclave label list --json');

  const remove = withServer(
    label
      .command('remove')
      .description('delete a sensitivity label')
      .argument('<label>', 'name or id'),
  ).action(async (ref: string, flags: ServerCommandFlags) => {
    const { api } = await connect(flags);
    const found = await resolveLabel(api, ref, 'admin');
    const response = await api.delete<unknown>(`/api/admin/labels/${encodeURIComponent(found.id)}`);
    emit(flags, response, () => `Deleted label ${found.name} (${found.id}).`);
  });
  example(remove, 'conclave label remove "Highly confidential"');
}
