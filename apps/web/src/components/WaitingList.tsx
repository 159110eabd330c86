// Who waits to enter a meeting, for its organizer (and admins): on the meeting's page and beside
// the participants in the room. Invitees waiting for the start enter by themselves when it starts;
// anyone else waits to be let in, and the organizer admits them or turns them away here. The list
// is looked at again every few seconds while it is shown, so people appear as they arrive.
import { useCallback, useEffect, useState } from 'react';
import { signLobbyAdmission } from '../admissions/signedAdmissions.ts';
import { admitFromLobby, denyFromLobby, getLobby } from '../api/meetings.ts';
import { useSession } from '../app/session.tsx';
import type { Lobby } from '../api/types.ts';
import { errorMessageOf } from './ErrorMessage.tsx';

const REFRESH_MS = 3_000;

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

type Waiting = Lobby['waiting'][number];

/** `inRoom`: drawn as one of the room's side panels. */
export function WaitingList({
  meetingId,
  e2ee,
  inRoom = false,
}: {
  meetingId: string;
  /** An E2EE meeting: admitting signs an admission on this device (members check it). */
  e2ee: boolean;
  inRoom?: boolean;
}) {
  const { user } = useSession();
  const [lobby, setLobby] = useState<Lobby | undefined>();
  const [failed, setFailed] = useState(false);
  const [said, setSaid] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const look = async () => {
      try {
        setLobby(await getLobby(meetingId, controller.signal));
        setFailed(false);
      } catch {
        if (!controller.signal.aborted) setFailed(true);
      }
      if (!controller.signal.aborted) timer = setTimeout(() => void look(), REFRESH_MS);
    };
    void look();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [meetingId]);

  const decide = useCallback(
    async (person: Waiting, admit: boolean) => {
      setBusy(true);
      try {
        if (admit && e2ee) {
          await signLobbyAdmission(user.id, meetingId, [person.userId]);
          setLobby(await getLobby(meetingId));
        } else {
          setLobby(await (admit ? admitFromLobby : denyFromLobby)(meetingId, person.userId));
        }
        setSaid(
          admit ? `${person.displayName} was let in.` : `${person.displayName} was turned away.`,
        );
      } catch (error) {
        setSaid(errorMessageOf(error));
      } finally {
        setBusy(false);
      }
    },
    [meetingId, e2ee, user.id],
  );

  // One line per person, though they may wait from several devices.
  const people = [...new Map((lobby?.waiting ?? []).map((w) => [w.userId, w])).values()];
  return (
    <section className={inRoom ? 'waiting-list room-panel' : 'waiting-list'} aria-label="Lobby">
      <h3>Waiting to join ({people.length})</h3>
      {people.length === 0 ? (
        <p className="field-hint">
          Nobody is waiting. Invited people who open the meeting before it starts wait here and join
          by themselves when it starts; anyone else waits here until you let them in.
        </p>
      ) : (
        <ul>
          {people.map((w) => (
            <li key={w.userId}>
              {w.displayName}{' '}
              <span className="field-hint">
                {w.waitingFor === 'admission' ? 'not invited, ' : ''}waiting since{' '}
                {time.format(new Date(w.since))}
              </span>
              {w.waitingFor === 'admission' ? (
                <span className="button-row">
                  <button
                    type="button"
                    className="button button-primary"
                    disabled={busy}
                    aria-label={`Admit ${w.displayName}`}
                    onClick={() => void decide(w, true)}
                  >
                    Admit
                  </button>
                  <button
                    type="button"
                    className="button"
                    disabled={busy}
                    aria-label={`Deny ${w.displayName}`}
                    onClick={() => void decide(w, false)}
                  >
                    Deny
                  </button>
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      <p className="field-hint" role="status">
        {failed ? 'Could not look who is waiting just now; trying again.' : (said ?? '')}
      </p>
    </section>
  );
}
