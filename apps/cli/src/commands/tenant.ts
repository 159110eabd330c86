// `conclave tenant …`: organization-wide E2EE settings — the participant cap and which clients may
// join E2EE meetings (spec §5).
import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { unwrapItem } from '../api/envelope.ts';
import { connect } from '../api/session.ts';
import { platforms } from '../api/types.ts';
import type { Platform, Tenant } from '../api/types.ts';
import { CliError } from '../errors.ts';
import { emit, formatFields } from '../output/print.ts';
import { example, withServer } from './define.ts';
import type { ServerCommandFlags } from './define.ts';
import { collectList, keyValue, positiveInteger } from './parsers.ts';

interface TenantFlags extends ServerCommandFlags {
  name?: string;
  maxParticipants?: number;
  block?: string[];
  unblock?: string[];
  minVersion?: [string, string][];
  postQuantum?: 'on' | 'off';
}

const semver = /^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/;

function checkPlatforms(values: readonly string[], flag: string): Platform[] {
  for (const value of values) {
    if (!(platforms as readonly string[]).includes(value)) {
      throw new CliError(
        'usage',
        `${flag}: '${value}' is not a platform; known: ${platforms.join(', ')}`,
      );
    }
  }
  return values as Platform[];
}

function minVersion(value: string, previous: [string, string][] | undefined): [string, string][] {
  const pairs = keyValue(value, previous);
  const [platform, version] = pairs[pairs.length - 1] ?? ['', ''];
  if (!(platforms as readonly string[]).includes(platform)) {
    throw new InvalidArgumentError(
      `'${platform}' is not a platform; known: ${platforms.join(', ')}.`,
    );
  }
  if (version !== '' && !semver.test(version)) {
    throw new InvalidArgumentError(
      `'${version}' is not a version like 1.4.0 (leave it empty to remove the minimum).`,
    );
  }
  return pairs;
}

export function formatTenant(tenant: Tenant): string[] {
  const minimums = Object.entries(tenant.e2ee?.clients?.minVersion ?? {})
    .map(([platform, version]) => `${platform} ${version}`)
    .join(', ');
  return formatFields([
    ['Organization', tenant.name],
    ['Id', tenant.id],
    ['E2EE participant cap', String(tenant.e2ee?.maxParticipants)],
    ['Clients blocked from E2EE', tenant.e2ee?.clients?.blocked?.join(', ') || '(none)'],
    ['Minimum client versions', minimums || '(none)'],
    [
      'Post-quantum E2EE',
      tenant.e2ee?.postQuantum === true
        ? 'required (X-Wing MLS, SFrame AES-256-GCM; clients that cannot are blocked)'
        : 'not required',
    ],
  ]);
}

export function registerTenantCommands(program: Command): void {
  const tenant = program.command('tenant').description('organization-wide E2EE settings');
  example(tenant, 'conclave tenant get', 'conclave tenant set --block web');

  const get = withServer(
    tenant.command('get').description('show the organization and its E2EE settings'),
  ).action(async (flags: ServerCommandFlags) => {
    const { api } = await connect(flags);
    const response = await api.get<unknown>('/api/admin/tenant');
    emit(flags, response, (value) => formatTenant(unwrapItem<Tenant>(value, 'tenant')));
  });
  example(get, 'conclave tenant get');

  const set = withServer(
    tenant
      .command('set')
      .description('change E2EE settings (unchanged ones are kept)')
      .option('--name <name>', 'rename the organization')
      .addOption(
        new Option('--max-participants <n>', 'most participants in one E2EE meeting').argParser(
          positiveInteger,
        ),
      )
      .option(
        '--block <platforms>',
        `also block these platforms from E2EE meetings (${platforms.join(',')})`,
        collectList,
      )
      .option('--unblock <platforms>', 'admit these platforms again', collectList)
      .addOption(
        new Option(
          '--post-quantum <on|off>',
          'on = every E2EE meeting runs on the X-Wing suite; clients that cannot are blocked',
        ).choices(['on', 'off']),
      )
      .addOption(
        new Option(
          '--min-version <platform=version>',
          'lowest client version admitted, e.g. windows=1.4.0; windows= removes it (repeatable)',
        ).argParser(minVersion),
      ),
  ).action(async (flags: TenantFlags) => {
    const block = checkPlatforms(flags.block ?? [], '--block');
    const unblock = checkPlatforms(flags.unblock ?? [], '--unblock');
    const both = block.filter((platform) => unblock.includes(platform));
    if (both.length > 0)
      throw new CliError('usage', `${both.join(', ')} cannot be both blocked and unblocked`);
    if (
      flags.name === undefined &&
      flags.maxParticipants === undefined &&
      block.length + unblock.length === 0 &&
      flags.minVersion === undefined &&
      flags.postQuantum === undefined
    ) {
      throw new CliError(
        'usage',
        'nothing to change: give --max-participants, --block, --unblock, --min-version, --post-quantum or --name',
      );
    }
    const { api } = await connect(flags);
    const current = unwrapItem<Tenant>(await api.get<unknown>('/api/admin/tenant'), 'tenant');
    const blocked = [...new Set([...current.e2ee.clients.blocked, ...block])].filter(
      (platform) => !unblock.includes(platform),
    );
    const minimums: Partial<Record<Platform, string>> = { ...current.e2ee.clients.minVersion };
    for (const [platform, version] of flags.minVersion ?? []) {
      if (version === '') delete minimums[platform as Platform];
      else minimums[platform as Platform] = version;
    }
    const body = {
      ...(flags.name === undefined ? {} : { name: flags.name }),
      e2ee: {
        maxParticipants: flags.maxParticipants ?? current.e2ee.maxParticipants,
        ...(flags.postQuantum === undefined ? {} : { postQuantum: flags.postQuantum === 'on' }),
        clients: { blocked, minVersion: minimums },
      },
    };
    const response = await api.patch<unknown>('/api/admin/tenant', body);
    emit(flags, response, (value) => [
      'Updated organization settings.',
      ...formatTenant(unwrapItem<Tenant>(value, 'tenant')),
    ]);
  });
  example(
    set,
    'conclave tenant set --max-participants 100 --block web,vdi --min-version windows=1.4.0',
  );
}
