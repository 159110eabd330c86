// `conclave policy what-if PERSON`: the what-if against the live organization on a server — how
// one person joining one meeting (or a new E2EE meeting they would organize) from one kind of
// client is decided by the organization as it is now. `--scenario-out` keeps the scenario that
// was run, so a draft change can be tried on it offline with `conclave policy explain`.
import { writeFile } from 'node:fs/promises';
import { Option } from 'commander';
import type { Command } from 'commander';
import type { ExplainOutput } from '@conclave/policy';
import type { LiveExplainRequest } from '@conclave/protocol';
import { resolveUser } from '../api/resolve.ts';
import { connect } from '../api/session.ts';
import { platforms } from '../api/types.ts';
import type { Platform } from '../api/types.ts';
import { CliError } from '../errors.ts';
import { emit, progress } from '../output/print.ts';
import { example, withServer } from './define.ts';
import type { ServerCommandFlags } from './define.ts';
import { formatExplanation } from './policy-explain.ts';

interface WhatIfFlags extends ServerCommandFlags {
  meeting?: string;
  platform: Platform;
  clientVersion?: string;
  scenarioOut?: string;
}

interface LiveAnswer {
  scenario: Record<string, unknown>;
  output: ExplainOutput;
}

export function registerPolicyWhatIfCommand(policy: Command): void {
  const command = withServer(
    policy
      .command('what-if')
      .description(
        'How the organization decides one person joining one meeting now (nothing is changed)',
      )
      .argument('<person>', "the person's email, display name or id")
      .option(
        '--meeting <id>',
        'one of the organization’s meetings (default: a new E2EE meeting the person organizes)',
      )
      .addOption(
        new Option('--platform <platform>', 'the client they join from')
          .choices(platforms)
          .default('web'),
      )
      .option('--client-version <version>', "the client's version, such as 1.4.0")
      .option(
        '--scenario-out <file>',
        'also write the scenario that was run, to edit and run with `policy explain`',
      ),
  ).action(async (person: string, flags: WhatIfFlags) => {
    const { api } = await connect(flags);
    const user = await resolveUser(api, person);
    const body: LiveExplainRequest = {
      user: user.id,
      ...(flags.meeting === undefined ? {} : { meeting: flags.meeting }),
      client: {
        platform: flags.platform,
        ...(flags.clientVersion === undefined ? {} : { version: flags.clientVersion }),
      },
    };
    const answer = await api.post<LiveAnswer>('/api/admin/policy-explain/live', body);
    if (flags.scenarioOut !== undefined) {
      await writeScenario(flags.scenarioOut, answer.scenario);
      progress(flags, `The scenario that was run is in ${flags.scenarioOut}.`);
    }
    emit(flags, answer, () => formatExplanation(answer.output, namesOf(answer.scenario)));
  });
  example(
    command,
    'conclave policy what-if olive@example.org',
    'conclave policy what-if "Pat Plain" --meeting 6c1d0e4a --platform vdi',
    'conclave policy what-if olive@example.org --scenario-out org.json   # edit org.json, then',
    'conclave policy explain org.json',
  );
}

async function writeScenario(file: string, scenario: Record<string, unknown>): Promise<void> {
  try {
    await writeFile(file, `${JSON.stringify(scenario, null, 2)}\n`);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new CliError('invalid_input', `cannot write the scenario to '${file}': ${why}`, {
      cause: error,
    });
  }
}

function namesOf(scenario: Record<string, unknown>): ReadonlyMap<string, string> {
  const users = Array.isArray(scenario.users) ? (scenario.users as unknown[]) : [];
  const names = new Map<string, string>();
  for (const user of users) {
    const { id, displayName } = user as { id?: unknown; displayName?: unknown };
    if (typeof id === 'string' && typeof displayName === 'string') names.set(id, displayName);
  }
  return names;
}
