// The room while its person waits: for the meeting to start, or (not invited) to be let in, or
// (the callee of a 1:1 E2EE call) for the caller's device to sign them in. The SDK's join goes on
// by itself when that happens — nothing to retry, so no error and no button for them. The organizer who opened the room before starting it starts it from here.
import type { ReactNode } from 'react';
import { useAction } from '../app/hooks.ts';
import { useSession } from '../app/session.tsx';
import { ApiError } from '../api/http.ts';
import { startMeeting } from '../api/meetings.ts';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import type { BlockReason } from '@conclave/client';
import type { RoomTarget } from './roomTarget.ts';

export function WaitingToEnter({
  target,
  reasons,
  back,
}: {
  target: RoomTarget;
  reasons: readonly BlockReason[];
  back: ReactNode;
}) {
  const { user } = useSession();
  const start = useAction();
  const organizer = target.kind === 'meeting' && target.meeting.organizer === user.id;
  const forAdmission = reasons.some((r) => r.code === 'AWAITING_ADMISSION');
  // A 1:1 E2EE call: the caller's device signs the callee in moments after placing it.
  if (target.kind === 'call' && forAdmission)
    return (
      <div className="room-lobby room-waiting">
        <div role="status">
          <h2>Waiting for the caller's device to sign you into the call</h2>
          <p>
            This call is end-to-end encrypted: you join once the caller's device has signed that you
            may, which it does moments after placing the call. Keep this page open.
          </p>
        </div>
        <p>{back}</p>
      </div>
    );
  return (
    <div className="room-lobby room-waiting">
      <div role="status">
        <h2>
          {organizer
            ? 'You are the organizer: start the meeting to let everyone in'
            : forAdmission
              ? 'Waiting for the organizer to let you in'
              : 'Waiting for the organizer to start the meeting'}
        </h2>
        {organizer ? null : (
          <p>
            {forAdmission
              ? 'You are not invited to this meeting, so the organizer decides. You will join as soon as they let you in. Keep this page open.'
              : 'You will be let in as soon as it starts. Keep this page open.'}
          </p>
        )}
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
