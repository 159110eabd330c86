// A 1:1 call's page: loads the call as this side sees it (who is on the other end, whether it is
// end-to-end encrypted and, if not, why). While it rings the caller reads "Ringing…" and may hang
// up, the callee may answer here too; once accepted both are in the same room a meeting uses;
// declined, missed, cancelled or ended, it says so. The state follows the app's call line (no
// polling); one read at the ring deadline covers a notice lost while the socket was down. Both
// sides see the decision's reasons for the whole visit (§6: "both sides are shown why").
import { useEffect, useState } from 'react';
import { useAction, useResource } from '../app/hooks.ts';
import { useSession } from '../app/session.tsx';
import { actOnCall, getCall } from '../api/meetings.ts';
import type { CallSummary } from '../api/types.ts';
import { useCallLine } from '../calls/CallLineProvider.tsx';
import { statusLine } from '../calls/callWords.ts';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { LockIcon } from '../components/LockIcon.tsx';
import { Loaded, Page } from '../components/Page.tsx';
import { ReasonList } from '../components/ReasonList.tsx';
import { RoomSession } from '../room/roomSession.ts';
import { RoomView } from '../room/RoomView.tsx';

function CallEncryption({ call }: { call: CallSummary }) {
  const encrypted = call.endToEndEncryption.enabled;
  return (
    <div
      className={`notice ${encrypted ? 'notice-success' : 'notice-info'} call-encryption`}
      role="status"
    >
      <p className="notice-title">
        {encrypted ? <LockIcon label="" /> : null} Call with {call.other.displayName}:{' '}
        {encrypted ? 'end-to-end encrypted.' : 'standard encryption (not end-to-end encrypted).'}
      </p>
      <ReasonList
        reasons={call.reasons}
        title={encrypted ? undefined : 'Why it is not end-to-end encrypted:'}
      />
    </div>
  );
}

/**
 * The call in progress: the meeting room with a call target, for as long as it is accepted (its
 * `call` prop is only read at mount: a reload of the call must not start a new visit).
 */
function CallRoom({ call }: { call: CallSummary }) {
  const { user } = useSession();
  const [session, setSession] = useState<RoomSession | null>(null);
  useEffect(() => {
    const created = new RoomSession(call.id, user.id, 'call');
    // Leaving the room hangs up: the other side is told the call ended.
    created.onLeave = () => void actOnCall(call.id, 'end').catch(() => undefined);
    setSession(created);
    return () => created.close();
  }, [call.id, user.id]);
  return session ? <RoomView session={session} target={{ kind: 'call', call }} /> : null;
}

/** Not in progress: ringing (with the answers this side has), or over. */
function CallStatus({ call, onChanged }: { call: CallSummary; onChanged: () => void }) {
  const action = useAction();
  const act = (what: 'accept' | 'decline' | 'cancel') =>
    void action.run(async () => {
      await actOnCall(call.id, what);
      onChanged();
    });
  const ringing = call.state === 'ringing';
  return (
    <div className={`call-status call-state-${call.state}`}>
      <p className="call-status-line" role="status">
        {statusLine(call)}
      </p>
      {ringing && call.direction === 'outgoing' ? (
        <button
          type="button"
          className="button button-danger"
          disabled={action.busy}
          onClick={() => act('cancel')}
        >
          Hang up
        </button>
      ) : null}
      {ringing && call.direction === 'incoming' ? (
        <div className="incoming-call-actions">
          <button
            type="button"
            className="button button-primary"
            disabled={action.busy}
            onClick={() => act('accept')}
          >
            Accept
          </button>
          <button
            type="button"
            className="button button-danger"
            disabled={action.busy}
            onClick={() => act('decline')}
          >
            Decline
          </button>
        </div>
      ) : null}
      <ErrorMessage error={action.error} />
    </div>
  );
}

export function CallRoomPage({ id }: { id: string }) {
  const answer = useResource(() => getCall(id), [id]);
  const line = useCallLine();
  const { reload } = answer;
  // Read the call again whenever the line says it changed.
  useEffect(
    () => line?.watch((notice) => (notice.callId === id ? reload() : undefined)),
    [line, id, reload],
  );
  // The ringing callee is here already: no dialog over the page that answers it.
  useEffect(() => line?.dismiss(id), [line, id]);
  const ringDeadline = answer.status === 'ready' ? answer.data.ringDeadline : undefined;
  const ringing = answer.status === 'ready' && answer.data.state === 'ringing';
  useEffect(() => {
    if (!ringing || ringDeadline === undefined) return;
    const timer = setTimeout(reload, Math.max(0, Date.parse(ringDeadline) - Date.now()) + 500);
    return () => clearTimeout(timer);
  }, [ringing, ringDeadline, reload]);
  const title = answer.status === 'ready' ? `Call with ${answer.data.other.displayName}` : 'Call';
  return (
    <Page title={title}>
      <Loaded resource={answer}>
        {(call) => (
          <>
            <CallEncryption call={call} />
            {call.state === 'accepted' ? (
              <CallRoom call={call} />
            ) : (
              <CallStatus call={call} onChanged={reload} />
            )}
          </>
        )}
      </Loaded>
    </Page>
  );
}
