// A 1:1 call's room: loads the call as this side sees it (who is on the other end, whether it is
// end-to-end encrypted and, if not, why), then the same room a meeting uses. Both sides see the
// decision's reasons for the whole visit (§6: "both sides are shown why").
import { useEffect, useState } from 'react';
import { useResource } from '../app/hooks.ts';
import { useSession } from '../app/session.tsx';
import { getCall } from '../api/meetings.ts';
import type { CallSummary } from '../api/types.ts';
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

export function CallRoomPage({ id }: { id: string }) {
  const { user } = useSession();
  const answer = useResource(() => getCall(id), [id]);
  const [session, setSession] = useState<RoomSession | null>(null);
  useEffect(() => {
    const created = new RoomSession(id, user.id, 'call');
    setSession(created);
    return () => created.close();
  }, [id, user.id]);
  const title = answer.status === 'ready' ? `Call with ${answer.data.other.displayName}` : 'Call';
  return (
    <Page title={title}>
      <Loaded resource={answer}>
        {(call) => (
          <>
            <CallEncryption call={call} />
            {session ? <RoomView session={session} target={{ kind: 'call', call }} /> : null}
          </>
        )}
      </Loaded>
    </Page>
  );
}
