// The meeting room page: loads the meeting (for its subject and what governance decided), then
// hands over to the room. One RoomSession per visit; leaving the page closes camera and socket.
import { useEffect, useState } from 'react';
import { namesFor, useCatalog } from '../app/catalog.ts';
import { useResource } from '../app/hooks.ts';
import { useSession } from '../app/session.tsx';
import { getMeeting } from '../api/meetings.ts';
import { Loaded, Page } from '../components/Page.tsx';
import { RoomSession } from '../room/roomSession.ts';
import { RoomView } from '../room/RoomView.tsx';

export function MeetingRoomPage({ id }: { id: string }) {
  const { user } = useSession();
  const answer = useResource(() => getMeeting(id), [id]);
  const catalog = useCatalog();
  const [session, setSession] = useState<RoomSession | null>(null);
  useEffect(() => {
    const created = new RoomSession(id, user.id);
    setSession(created);
    return () => created.close();
  }, [id, user.id]);
  const subject = answer.status === 'ready' ? answer.data.meeting.subject : 'Meeting room';
  return (
    <Page title={subject}>
      <Loaded resource={answer}>
        {({ meeting }) =>
          session ? (
            <RoomView
              session={session}
              target={{
                kind: 'meeting',
                meeting,
                names: namesFor(meeting, catalog.status === 'ready' ? catalog.data : null),
              }}
            />
          ) : null
        }
      </Loaded>
    </Page>
  );
}
