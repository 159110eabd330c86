// Who waits for a meeting to start, for its organizer (and admins) on the meeting's page. The
// people listed enter by themselves when the meeting starts; the list is looked at again every
// few seconds while the page is open, so the organizer sees people arrive.
import { useEffect, useState } from 'react';
import { getLobby } from '../api/meetings.ts';
import type { Lobby } from '../api/types.ts';

const REFRESH_MS = 3_000;

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

export function WaitingList({ meetingId }: { meetingId: string }) {
  const [lobby, setLobby] = useState<Lobby | undefined>();
  const [failed, setFailed] = useState(false);
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

  const waiting = lobby?.waiting ?? [];
  return (
    <div className="waiting-list" aria-live="polite">
      <h3>Waiting to join ({waiting.length})</h3>
      {waiting.length === 0 ? (
        <p className="field-hint">
          Nobody is waiting yet. People who open the meeting before it starts wait here and join by
          themselves when you start it.
        </p>
      ) : (
        <ul>
          {waiting.map((w) => (
            <li key={w.deviceId}>
              {w.displayName}{' '}
              <span className="field-hint">waiting since {time.format(new Date(w.since))}</span>
            </li>
          ))}
        </ul>
      )}
      {failed ? (
        <p className="field-hint" role="status">
          Could not look who is waiting just now; trying again.
        </p>
      ) : null}
    </div>
  );
}
