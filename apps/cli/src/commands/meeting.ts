// `conclave meeting …`: what organizers do — schedule, change options, start, end, the lobby
// (./lobby.ts) — with the governance decision and every reason's sentence shown (spec §4). A
// rejection exits 4 with the reasons listed and nothing is created.
import { Option } from 'commander';
import type { Command } from 'commander';
import type { ApiClient } from '../api/client.ts';
import { getList, unwrapItem, unwrapList } from '../api/envelope.ts';
import { resolveDirectoryUser, resolveLabel, resolveTemplate } from '../api/resolve.ts';
import { connect } from '../api/session.ts';
import { meetingTypes } from '../api/types.ts';
import type {
  DirectoryUser,
  IncompatibleOption,
  Meeting,
  MeetingDecision,
  MeetingOptions,
  MeetingType,
  MeetingWithDecision,
} from '../api/types.ts';
import { CliError } from '../errors.ts';
import { describeE2ee, formatDecision, formatMeeting } from '../output/decision.ts';
import { emit, printJson, printLines } from '../output/print.ts';
import { recurrenceWords, viewerZone, whenWords } from '../output/times.ts';
import { formatTable } from '../output/table.ts';
import { example, withServer } from './define.ts';
import type { ServerCommandFlags } from './define.ts';
import { registerLobbyCommands } from './lobby.ts';
import { registerInvitationCommands } from './meeting-invitations.ts';
import { isE2ee, onThisDevice } from './signed-admissions.ts';
import { collectList, meetingOptions, positiveInteger } from './parsers.ts';

interface OptionFlags extends ServerCommandFlags {
  e2ee?: boolean;
  onlyInvited?: boolean;
  enable?: IncompatibleOption[];
  disable?: IncompatibleOption[];
}

interface ScheduleFlags extends OptionFlags {
  type: MeetingType;
  template?: string;
  label?: string;
  preview?: boolean;
  invite?: string[];
  start?: string;
  zone?: string;
  duration?: number;
  repeat?: 'daily' | 'weekly';
  count?: number;
  until?: string;
}

interface ListFlags extends ServerCommandFlags {
  when?: 'upcoming' | 'past';
  zone?: string;
}

/** The request's time fields; the server checks them and says what is wrong in a sentence. */
function requestedTime(flags: ScheduleFlags): Record<string, unknown> {
  if (flags.repeat === undefined && (flags.count !== undefined || flags.until !== undefined)) {
    throw new CliError(
      'usage',
      '--count and --until say when a recurrence ends: give --repeat too',
    );
  }
  return {
    ...(flags.start === undefined ? {} : { start: flags.start }),
    ...(flags.zone === undefined ? {} : { timeZone: flags.zone }),
    ...(flags.duration === undefined ? {} : { durationMinutes: flags.duration }),
    ...(flags.repeat === undefined
      ? {}
      : {
          recurrence: {
            frequency: flags.repeat,
            ...(flags.count === undefined ? {} : { count: flags.count }),
            ...(flags.until === undefined ? {} : { until: flags.until }),
          },
        }),
  };
}

function optionFlags(command: Command): Command {
  return command
    .option('--e2ee', 'ask for end-to-end encryption')
    .option('--no-e2ee', 'ask for no end-to-end encryption')
    .option(
      '--only-invited',
      'refuse people not invited, instead of letting them wait in the lobby',
    )
    .option('--no-only-invited', 'let people not invited wait in the lobby until you let them in')
    .addOption(
      new Option(
        '--enable <options>',
        'turn options on, e.g. recording,transcription (repeatable)',
      ).argParser(meetingOptions),
    )
    .addOption(
      new Option('--disable <options>', 'turn options off (repeatable)').argParser(meetingOptions),
    );
}

function requestedOptions(flags: OptionFlags): MeetingOptions {
  const both = (flags.enable ?? []).filter((option) => flags.disable?.includes(option));
  if (both.length > 0)
    throw new CliError('usage', `${both.join(', ')} cannot be both enabled and disabled`);
  const options: MeetingOptions = {};
  if (flags.e2ee !== undefined) options.endToEndEncryption = flags.e2ee;
  if (flags.onlyInvited !== undefined) options.onlyInvited = flags.onlyInvited;
  for (const option of flags.enable ?? []) options[option] = true;
  for (const option of flags.disable ?? []) options[option] = false;
  return options;
}

function meetingPath(id: string): string {
  return `/api/meetings/${encodeURIComponent(id)}`;
}

/** Prints a `{ meeting, decision }` answer; in human form the organizer is shown by name. */
async function showMeeting(
  api: ApiClient,
  flags: ServerCommandFlags,
  response: unknown,
  headline: string,
): Promise<void> {
  if (flags.json === true) {
    printJson(response);
    return;
  }
  const { meeting, decision } = response as MeetingWithDecision;
  const organizer = await displayName(api, meeting.organizer);
  printLines([
    ...(headline === '' ? [] : [headline]),
    ...formatMeeting({ ...meeting, organizer }, decision),
  ]);
}

async function displayName(api: ApiClient, userId: string): Promise<string> {
  try {
    const users = await getList<DirectoryUser>(api, '/api/directory/users', 'users');
    return users.find((user) => user.id === userId)?.displayName ?? userId;
  } catch {
    // A name is a nicety; the id is still a correct answer.
    return userId;
  }
}

export function registerMeetingCommands(program: Command): void {
  const meeting = program
    .command('meeting')
    .description('schedule and run meetings, with the E2EE decision and its reasons');
  example(meeting, 'conclave meeting schedule "Board review" --label "Highly confidential"');

  const schedule = withServer(
    optionFlags(
      meeting
        .command('schedule')
        .description('schedule a meeting; prints the E2EE decision and why')
        .argument('<subject>')
        .addOption(
          new Option('--type <type>', 'kind of meeting').choices(meetingTypes).default('meeting'),
        )
        .option('--template <template>', 'meeting template, by name or id')
        .option('--label <label>', 'sensitivity label, by name or id')
        .option(
          '--invite <users>',
          'invitees by email, name or id (comma-separated, repeatable)',
          collectList,
        )
        .option(
          '--start <local time>',
          "start on the meeting zone's clock, YYYY-MM-DDTHH:mm (default: now)",
        )
        .option('--zone <IANA zone>', 'time zone, e.g. Europe/Berlin (default: UTC)')
        .addOption(
          new Option('--duration <minutes>', 'length in minutes (default: 60)').argParser(
            positiveInteger,
          ),
        )
        .addOption(new Option('--repeat <frequency>', 'recur').choices(['daily', 'weekly']))
        .addOption(
          new Option('--count <n>', 'with --repeat: how many occurrences').argParser(
            positiveInteger,
          ),
        )
        .option('--until <YYYY-MM-DD>', 'with --repeat: the last day an occurrence may start')
        .option('--preview', 'only show the decision; schedule nothing'),
    ),
  ).action(async (subject: string, flags: ScheduleFlags) => {
    const options = requestedOptions(flags);
    const session = await connect(flags);
    const { api } = session;
    const template =
      flags.template === undefined
        ? undefined
        : await resolveTemplate(api, flags.template, 'organizer');
    const label =
      flags.label === undefined ? undefined : await resolveLabel(api, flags.label, 'organizer');
    const invitees: string[] = [];
    for (const ref of flags.invite ?? []) invitees.push((await resolveDirectoryUser(api, ref)).id);
    const body = {
      subject,
      type: flags.type,
      ...(template === undefined ? {} : { template: template.id }),
      ...(label === undefined ? {} : { label: label.id }),
      options,
      ...(invitees.length === 0 ? {} : { invitees }),
      ...requestedTime(flags),
    };
    if (flags.preview === true) {
      const response = await api.post<unknown>('/api/meetings/preview', body);
      emit(flags, response, (value) =>
        formatDecision(unwrapItem<MeetingDecision>(value, 'decision')),
      );
      return;
    }
    const response = await api.post<MeetingWithDecision>('/api/meetings', body);
    // Members of an E2EE meeting admit only whom the organizer's device signed: sign the list.
    const signed = isE2ee(response)
      ? await onThisDevice(session, (client) =>
          client.admissions.setInvitees(response.meeting.id, invitees),
        )
      : undefined;
    await showMeeting(
      api,
      flags,
      response,
      signed === undefined
        ? 'Scheduled.'
        : 'Scheduled; the invitation list is signed on this device.',
    );
  });
  example(
    schedule,
    'conclave meeting schedule "Board review" --label "Highly confidential"',
    'conclave meeting schedule "Q3 numbers" --template Sensitive --enable recording --preview',
    'conclave meeting schedule "Weekly sync" --start 2027-03-01T09:30 --zone Europe/Berlin --duration 45 --repeat weekly --count 10',
  );

  const get = withServer(
    meeting.command('get').description('show a meeting and its E2EE decision').argument('<id>'),
  ).action(async (id: string, flags: ServerCommandFlags) => {
    const { api } = await connect(flags);
    await showMeeting(api, flags, await api.get<unknown>(meetingPath(id)), '');
  });
  example(get, 'conclave meeting get 6c1d0e4a');

  const list = withServer(
    meeting
      .command('list')
      .description(
        'meetings you organize or are invited to: upcoming soonest first (a recurring one at its next occurrence), then past',
      )
      .addOption(
        new Option('--when <which>', 'only upcoming or only past meetings').choices([
          'upcoming',
          'past',
        ]),
      )
      .option('--zone <IANA zone>', 'show times in this zone (default: this machine’s)'),
  ).action(async (flags: ListFlags) => {
    const zone = flags.zone ?? viewerZone();
    const { api } = await connect(flags);
    const suffix = flags.when === undefined ? '' : `?when=${flags.when}`;
    const response = await api.get<unknown>(`/api/meetings${suffix}`);
    emit(flags, response, (body) =>
      formatTable(unwrapList<Meeting>(body, 'meetings'), [
        { header: 'id', value: (row) => row.id },
        { header: 'subject', value: (row) => row.subject },
        { header: '', value: (row) => row.when },
        { header: `when (${zone})`, value: (row) => whenWords(row, zone) },
        { header: 'repeats', value: (row) => recurrenceWords(row.recurrence) },
        { header: 'state', value: (row) => row.state },
        { header: 'e2ee', value: (row) => describeE2ee(row.endToEndEncryption) },
      ]),
    );
  });
  example(list, 'conclave meeting list', 'conclave meeting list --when upcoming --zone Asia/Tokyo');

  const set = withServer(
    optionFlags(
      meeting
        .command('set')
        .description("change a meeting's options (checked like scheduling)")
        .argument('<id>'),
    ),
  ).action(async (id: string, flags: OptionFlags) => {
    const options = requestedOptions(flags);
    if (Object.keys(options).length === 0) {
      throw new CliError(
        'usage',
        'nothing to change: give --e2ee/--no-e2ee, --only-invited/--no-only-invited, --enable or --disable',
      );
    }
    const { api } = await connect(flags);
    const response = await api.patch<unknown>(`${meetingPath(id)}/options`, { options });
    await showMeeting(api, flags, response, 'Updated.');
  });
  example(set, 'conclave meeting set 6c1d0e4a --disable recording --e2ee');

  const start = withServer(
    meeting
      .command('start')
      .description(
        'start a meeting; the E2EE rules are checked again and it never starts unencrypted',
      )
      .argument('<id>'),
  ).action(async (id: string, flags: ServerCommandFlags) => {
    const { api } = await connect(flags);
    await showMeeting(api, flags, await api.post<unknown>(`${meetingPath(id)}/start`), 'Started.');
  });
  example(start, 'conclave meeting start 6c1d0e4a');

  const end = withServer(
    meeting.command('end').description('end a meeting').argument('<id>'),
  ).action(async (id: string, flags: ServerCommandFlags) => {
    const { api } = await connect(flags);
    const response = await api.post<unknown>(`${meetingPath(id)}/end`);
    emit(flags, response, () => `Meeting ${id} ended.`);
  });
  example(end, 'conclave meeting end 6c1d0e4a');

  registerLobbyCommands(meeting);
  registerInvitationCommands(meeting);
}
