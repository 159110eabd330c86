// `conclave meeting invite|uninvite|ics`: who is invited to a meeting (its organizer or an admin
// changes the list before the start; the server refuses after, and says why), and the invitation
// as an iCalendar file for one's calendar.
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { ApiClient } from '../api/client.ts';
import { getList } from '../api/envelope.ts';
import { resolveDirectoryUser } from '../api/resolve.ts';
import { connect } from '../api/session.ts';
import type { DirectoryUser, MeetingWithDecision } from '../api/types.ts';
import { emit } from '../output/print.ts';
import { example, withServer } from './define.ts';
import type { ServerCommandFlags } from './define.ts';
import { collectList } from './parsers.ts';
import { signInvitationChange } from './signed-admissions.ts';

interface IcsFlags extends ServerCommandFlags {
  out?: string;
}

const meetingPath = (id: string) => `/api/meetings/${encodeURIComponent(id)}`;

/** "Invited now: Alice, Bob" — names from the directory, ids for anyone it does not list. */
async function invitedNow(api: ApiClient, answer: MeetingWithDecision): Promise<string> {
  const users = await getList<DirectoryUser>(api, '/api/directory/users', 'users');
  const names = answer.meeting.invitees.map(
    (id) => users.find((user) => user.id === id)?.displayName ?? id,
  );
  return names.length === 0 ? 'Nobody is invited now.' : `Invited now: ${names.join(', ')}`;
}

export function registerInvitationCommands(meeting: Command): void {
  const invite = withServer(
    meeting
      .command('invite')
      .description('invite people to a meeting (organizer or admin, before it starts)')
      .argument('<id>')
      .argument('<people...>', 'by email, name or id (commas also separate)'),
  ).action(async (id: string, people: string[], flags: ServerCommandFlags) => {
    const session = await connect(flags);
    const { api } = session;
    const refs = people.reduce<string[]>((all, ref) => collectList(ref, all), []);
    const userIds: string[] = [];
    for (const ref of refs) userIds.push((await resolveDirectoryUser(api, ref)).id);
    const answer = await api.post<MeetingWithDecision>(`${meetingPath(id)}/invitees`, {
      userIds,
    });
    const signed = await signInvitationChange(session, answer, { add: userIds });
    const said = await invitedNow(api, answer);
    emit(flags, answer, () => [said, signed].filter((line) => line !== '').join('\n'));
  });
  example(invite, 'conclave meeting invite 6c1d0e4a bob@example.com carol@example.com');

  const uninvite = withServer(
    meeting
      .command('uninvite')
      .description(
        'take someone off the invitation list (organizer or admin, before it starts); they would wait in the lobby again',
      )
      .argument('<id>')
      .argument('<person>', 'by email, name or id'),
  ).action(async (id: string, person: string, flags: ServerCommandFlags) => {
    const session = await connect(flags);
    const { api } = session;
    const user = await resolveDirectoryUser(api, person);
    const answer = await api.delete<MeetingWithDecision>(
      `${meetingPath(id)}/invitees/${encodeURIComponent(user.id)}`,
    );
    const signed = await signInvitationChange(session, answer, { remove: [user.id] });
    const said = await invitedNow(api, answer);
    emit(flags, answer, () =>
      [`${user.displayName} is no longer invited. ${said}`, signed]
        .filter((l) => l !== '')
        .join('\n'),
    );
  });
  example(uninvite, 'conclave meeting uninvite 6c1d0e4a bob@example.com');

  const ics = withServer(
    meeting
      .command('ics')
      .description('the invitation as an iCalendar (.ics) file, for a calendar to import')
      .argument('<id>')
      .option('--out <file>', 'write it here (default: standard output)'),
  ).action(async (id: string, flags: IcsFlags) => {
    const { api } = await connect(flags);
    const file = await api.download(`${meetingPath(id)}/invitation.ics`);
    if (flags.out === undefined) {
      process.stdout.write(file);
      return;
    }
    await writeFile(flags.out, file);
    process.stderr.write(`Wrote the invitation to ${flags.out}\n`);
  });
  example(ics, 'conclave meeting ics 6c1d0e4a --out board-review.ics');
}
