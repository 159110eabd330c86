// `conclave template …`: meeting templates, whose options may be locked so organizers cannot change
// them (spec §1, §4). The option that matters most is end-to-end encryption.
import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { unwrapItem, unwrapList } from '../api/envelope.ts';
import { resolveTemplate } from '../api/resolve.ts';
import { connect } from '../api/session.ts';
import type { IncompatibleOption, Template, TemplateOption } from '../api/types.ts';
import { CliError } from '../errors.ts';
import { emit, formatFields } from '../output/print.ts';
import { formatTable } from '../output/table.ts';
import { chosenId, example, withChosenId, withServer } from './define.ts';
import type { ServerCommandFlags } from './define.ts';
import { isIncompatibleOption, onOff } from './parsers.ts';

type OptionSetting = [IncompatibleOption, TemplateOption];
type TemplateOptions = Template['options'];

interface TemplateFlags extends ServerCommandFlags {
  name?: string;
  e2ee?: boolean;
  locked?: boolean;
  option?: OptionSetting[];
  lock?: OptionSetting[];
  unset?: OptionSetting[];
}

/** `recording=on` (or `recording`, meaning off), for --option, --lock and --unset. */
function optionSetting(locked: boolean) {
  return (value: string, previous: OptionSetting[] | undefined): OptionSetting[] => {
    const [name = '', state] = value.split('=', 2);
    if (!isIncompatibleOption(name)) {
      throw new InvalidArgumentError(`'${name}' is not a meeting option a template can set.`);
    }
    return [
      ...(previous ?? []),
      [name, { value: state === undefined ? false : onOff(state), locked }],
    ];
  };
}

function optionFlags(command: Command): Command {
  return command
    .addOption(new Option('--e2ee <on|off>', 'end-to-end encryption default').argParser(onOff))
    .option('--locked', 'lock the E2EE setting so organizers cannot change it')
    .addOption(
      new Option(
        '--option <name=on|off>',
        'default of another option, organizers may change it (repeatable)',
      ).argParser(optionSetting(false)),
    )
    .addOption(
      new Option(
        '--lock <name[=on|off]>',
        'lock another option, off unless =on (repeatable)',
      ).argParser(optionSetting(true)),
    );
}

function applyFlags(options: TemplateOptions, flags: TemplateFlags): TemplateOptions {
  const next: TemplateOptions = { ...options };
  if (flags.e2ee !== undefined || flags.locked !== undefined) {
    const current = options.endToEndEncryption;
    const value = flags.e2ee ?? current?.value;
    if (value === undefined) throw new CliError('usage', '--locked needs --e2ee on|off');
    next.endToEndEncryption = { value, locked: flags.locked ?? current?.locked ?? false };
  }
  for (const [name, setting] of [...(flags.option ?? []), ...(flags.lock ?? [])])
    next[name] = setting;
  for (const [name] of flags.unset ?? []) delete next[name];
  return next;
}

function describeOption(option: TemplateOption): string {
  return `${option.value ? 'on' : 'off'}${option.locked ? ', locked' : ''}`;
}

function formatTemplate(template: Template): string[] {
  const { endToEndEncryption, ...others } = template.options ?? {};
  return formatFields([
    ['Template', template.name],
    ['Id', template.id],
    [
      'E2EE',
      endToEndEncryption === undefined
        ? 'not set (organizer decides)'
        : describeOption(endToEndEncryption),
    ],
    ...Object.entries(others).map(([name, option]): [string, string | undefined] => [
      name,
      option && describeOption(option),
    ]),
  ]);
}

export function registerTemplateCommands(program: Command): void {
  const template = program
    .command('template')
    .description('meeting templates that set or lock E2EE and other options');
  example(template, 'conclave template new Sensitive --e2ee on --locked');

  const create = withServer(
    optionFlags(
      withChosenId(
        template.command('new').description('create a meeting template').argument('<name>'),
      ),
    ),
  ).action(async (name: string, flags: TemplateFlags & { id?: string }) => {
    const options = applyFlags({}, flags);
    const { api } = await connect(flags);
    const response = await api.post<unknown>('/api/admin/templates', {
      ...chosenId(flags),
      name,
      options,
    });
    emit(flags, response, (body) => [
      'Created template.',
      ...formatTemplate(unwrapItem<Template>(body, 'template')),
    ]);
  });
  example(create, 'conclave template new Sensitive --e2ee on --locked --lock recording');

  const set = withServer(
    optionFlags(
      template
        .command('set')
        .description('change a template (unchanged options are kept)')
        .argument('<template>', 'name or id'),
    )
      .option('--no-locked', 'unlock the E2EE setting')
      .option('--name <name>', 'rename it')
      .addOption(
        new Option('--unset <name>', 'remove an option from the template (repeatable)').argParser(
          optionSetting(false),
        ),
      ),
  ).action(async (ref: string, flags: TemplateFlags) => {
    const { api } = await connect(flags);
    const current = await resolveTemplate(api, ref, 'admin');
    const body = {
      name: flags.name ?? current.name,
      options: applyFlags(current.options ?? {}, flags),
    };
    const response = await api.put<unknown>(
      `/api/admin/templates/${encodeURIComponent(current.id)}`,
      body,
    );
    emit(flags, response, (value) => [
      'Updated template.',
      ...formatTemplate(unwrapItem<Template>(value, 'template')),
    ]);
  });
  example(set, 'conclave template set Sensitive --option transcription=off --no-locked');

  const get = withServer(
    template.command('get').description('show a template').argument('<template>', 'name or id'),
  ).action(async (ref: string, flags: ServerCommandFlags) => {
    const { api } = await connect(flags);
    const { id } = await resolveTemplate(api, ref, 'admin');
    const response = await api.get<unknown>(`/api/admin/templates/${encodeURIComponent(id)}`);
    emit(flags, response, (value) => formatTemplate(unwrapItem<Template>(value, 'template')));
  });
  example(get, 'conclave template get Sensitive');

  const list = withServer(template.command('list').description('list meeting templates')).action(
    async (flags: ServerCommandFlags) => {
      const { api } = await connect(flags);
      const response = await api.get<unknown>('/api/admin/templates');
      emit(flags, response, (body) =>
        formatTable(unwrapList<Template>(body, 'templates'), [
          { header: 'name', value: (row) => row.name },
          { header: 'id', value: (row) => row.id },
          {
            header: 'e2ee',
            value: (row) =>
              row.options?.endToEndEncryption === undefined
                ? '-'
                : describeOption(row.options.endToEndEncryption),
          },
          {
            header: 'other options',
            value: (row) =>
              Object.entries(row.options ?? {})
                .flatMap(([name, option]) =>
                  name === 'endToEndEncryption' || option === undefined
                    ? []
                    : [`${name} ${describeOption(option)}`],
                )
                .join('; '),
          },
        ]),
      );
    },
  );
  example(list, 'conclave template list');

  const remove = withServer(
    template
      .command('remove')
      .description('delete a template')
      .argument('<template>', 'name or id'),
  ).action(async (ref: string, flags: ServerCommandFlags) => {
    const { api } = await connect(flags);
    const found = await resolveTemplate(api, ref, 'admin');
    const response = await api.delete<unknown>(
      `/api/admin/templates/${encodeURIComponent(found.id)}`,
    );
    emit(flags, response, () => `Deleted template ${found.name} (${found.id}).`);
  });
  example(remove, 'conclave template remove Sensitive');
}
