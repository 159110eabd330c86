// The room while its meeting has not started: the person waits, and the SDK's join goes on by
// itself when the organizer starts it — nothing to retry, so no error and no button for them.
// The organizer who opened the room before starting it starts it from here.
import type { ReactNode } from 'react';
import { useAction } from '../app/hooks.ts';
import { useSession } from '../app/session.tsx';
import { ApiError } from '../api/http.ts';
import { startMeeting } from '../api/meetings.ts';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import type { RoomTarget } from './roomTarget.ts';

export function WaitingForStart({ target, back }: { target: RoomTarget; back: ReactNode }) {
  const { user } = useSession();
  const start = useAction();
  const organizer = target.kind === 'meeting' && target.meeting.organizer === user.id;
  return (
    <div className="room-lobby room-waiting">
      <div role="status">
        <h2>
          {organizer
            ? 'You are the organizer: start the meeting to let everyone in'
            : 'Waiting for the organizer to start the meeting'}
        </h2>
        {organizer ? null : <p>You will be let in as soon as it starts. Keep this page open.</p>}
      </div>
      {organizer && target.kind === 'meeting' ? (
        <div className="button-row">
          <button
            type="button"
            className="button button-primary"
            disabled={start.busy}
            onClick={() => void start.run(() => startMeeting(target.meeting.id))}
          >
            Start meeting
          </button>
        </div>
      ) : null}
      <ErrorMessage
        error={start.error}
        title={
          start.error instanceof ApiError && start.error.reasons.length > 0
            ? 'The meeting did not start:'
            : undefined
        }
      />
      <p>{back}</p>
    </div>
  );
}
