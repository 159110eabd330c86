// `conclave meeting lobby|admit|deny`: the organizer's (or an admin's) side of the lobby
// (governance.md §5). Invitees who came before the start enter by themselves when it starts;
// anyone else waits to be let in, and is admitted or turned away here.
import type { Command } from 'commander';
import type { Lobby } from '@conclave/protocol';
import type { ApiClient } from '../api/client.ts';
import { resolveDirectoryUser } from '../api/resolve.ts';
import { connect, type Session } from '../api/session.ts';
import type { MeetingWithDecision } from '../api/types.ts';
import { emit } from '../output/print.ts';
import { formatTable } from '../output/table.ts';
import { example, withServer } from './define.ts';
import type { ServerCommandFlags } from './define.ts';
import { isE2ee, onThisDevice } from './signed-admissions.ts';

const lobbyPath = (id: string) => `/api/meetings/${encodeURIComponent(id)}/lobby`;

function showLobby(flags: ServerCommandFlags, lobby: Lobby, said: string): void {
  emit(flags, lobby, () => {
    const lines = said === '' ? [] : [said, ''];
    if (lobby.waiting.length === 0) return [...lines, 'Nobody is waiting.'].join('\n');
    return [
      ...lines,
      formatTable(lobby.waiting, [
        { header: 'name', value: (w) => w.displayName },
        { header: 'user', value: (w) => w.userId },
        {
          header: 'waiting for',
          value: (w) => (w.waitingFor === 'start' ? 'the start' : 'you to let them in'),
        },
        { header: 'since', value: (w) => w.since },
      ]),
    ].join('\n');
  });
}

/**
 * Lets `person` in. In an E2EE meeting members admit only whom an organizer's device signed, so
 * this device signs the admission (the server takes no plain "admit" there).
 */
async function admitPerson(
  session: Session,
  id: string,
  person: string,
): Promise<{ lobby: Lobby; name: string }> {
  const { api } = session;
  const answer = await api.get<MeetingWithDecision>(`/api/meetings/${encodeURIComponent(id)}`);
  if (!isE2ee(answer)) return decide(api, id, person, 'admit');
  const user = await resolveDirectoryUser(api, person);
  await onThisDevice(session, (client) => client.admissions.admit(answer.meeting.id, [user.id]));
  return { lobby: await api.get<Lobby>(lobbyPath(id)), name: user.displayName };
}

async function decide(
  api: ApiClient,
  id: string,
  person: string,
  how: 'admit' | 'deny',
): Promise<{ lobby: Lobby; name: string }> {
  const user = await resolveDirectoryUser(api, person);
  const path = `${lobbyPath(id)}/${encodeURIComponent(user.id)}/${how}`;
  return { lobby: await api.post<Lobby>(path), name: user.displayName };
}

export function registerLobbyCommands(meeting: Command): void {
  const lobby = withServer(
    meeting
      .command('lobby')
      .description('who waits to enter a meeting: for its start, or for you to let them in')
      .argument('<id>'),
  ).action(async (id: string, flags: ServerCommandFlags) => {
    const { api } = await connect(flags);
    showLobby(flags, await api.get<Lobby>(lobbyPath(id)), '');
  });
  example(lobby, 'conclave meeting lobby 6c1d0e4a');

  const admit = withServer(
    meeting
      .command('admit')
      .description(
        'let someone in from the lobby (by display name or id); they enter by themselves. In an E2EE meeting this device signs the admission (organizer or co-organizer)',
      )
      .argument('<id>')
      .argument('<person>'),
  ).action(async (id: string, person: string, flags: ServerCommandFlags) => {
    const { lobby: now, name } = await admitPerson(await connect(flags), id, person);
    showLobby(flags, now, `${name} was let in.`);
  });
  example(admit, "conclave meeting admit 6c1d0e4a 'Carol Jones'");

  const deny = withServer(
    meeting
      .command('deny')
      .description('turn someone away from the lobby; they are told so')
      .argument('<id>')
      .argument('<person>'),
  ).action(async (id: string, person: string, flags: ServerCommandFlags) => {
    const { api } = await connect(flags);
    const { lobby: now, name } = await decide(api, id, person, 'deny');
    showLobby(flags, now, `${name} was turned away.`);
  });
  example(deny, "conclave meeting deny 6c1d0e4a 'Carol Jones'");
}
