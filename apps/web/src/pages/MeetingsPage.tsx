// The meetings I organize or was invited to.
import { namesFor, useCatalog } from '../app/catalog.ts';
import { useResource } from '../app/hooks.ts';
import { hrefOf } from '../app/routes.ts';
import { Link } from '../app/router.tsx';
import { listMeetings } from '../api/meetings.ts';
import { DataTable } from '../components/DataTable.tsx';
import { LockIcon } from '../components/LockIcon.tsx';
import { Loaded, Page } from '../components/Page.tsx';
import { lockSentence } from '../model/e2eeWords.ts';
import { meetingStateNames, meetingTypeName } from '../model/names.ts';
import { useSession } from '../app/session.tsx';

export function MeetingsPage() {
  const { user } = useSession();
  const meetings = useResource(listMeetings, []);
  const catalog = useCatalog();
  const known = catalog.status === 'ready' ? catalog.data : null;

  return (
    <Page
      title="Meetings"
      intro="Meetings you organize or were invited to."
      actions={
        <Link to="/meetings/new" className="button button-primary">
          Schedule a meeting
        </Link>
      }
    >
      <Loaded resource={meetings}>
        {(rows) => (
          <DataTable
            caption="Your meetings"
            rows={[...rows].sort((a, b) => b.createdAt.localeCompare(a.createdAt))}
            rowKey={(meeting) => meeting.id}
            empty="No meetings yet. Schedule one to get started."
            columns={[
              {
                header: 'Subject',
                rowHeader: true,
                cell: (meeting) => (
                  <Link to={hrefOf({ kind: 'meeting', id: meeting.id })}>{meeting.subject}</Link>
                ),
              },
              { header: 'Type', cell: (meeting) => meetingTypeName(meeting.type) },
              { header: 'State', cell: (meeting) => meetingStateNames[meeting.state] },
              {
                header: 'Encryption',
                cell: (meeting) => {
                  const state = meeting.endToEndEncryption;
                  const lock = lockSentence(state, namesFor(meeting, known));
                  return (
                    <span className={state.enabled ? 'e2ee-on' : 'e2ee-off'}>
                      {state.enabled ? 'End-to-end encrypted' : 'Standard'}
                      {lock ? (
                        <>
                          {' '}
                          <LockIcon label={lock} />
                        </>
                      ) : null}
                    </span>
                  );
                },
              },
              {
                header: 'Role',
                cell: (meeting) => (meeting.organizer === user.id ? 'Organizer' : 'Invited'),
              },
            ]}
          />
        )}
      </Loaded>
    </Page>
  );
}
