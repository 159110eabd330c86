// The meetings I organize or was invited to: upcoming soonest first (a recurring one at its next
// occurrence), then past most recent first, with times in my zone.
import { namesFor, useCatalog, type Catalog } from '../app/catalog.ts';
import { useResource } from '../app/hooks.ts';
import { hrefOf } from '../app/routes.ts';
import { Link } from '../app/router.tsx';
import { listMeetings } from '../api/meetings.ts';
import type { Meeting } from '../api/types.ts';
import { DataTable } from '../components/DataTable.tsx';
import { LockIcon } from '../components/LockIcon.tsx';
import { Loaded, Page, Section } from '../components/Page.tsx';
import { lockSentence } from '../model/e2eeWords.ts';
import {
  occurrenceWords,
  recurrenceWords,
  splitByWhen,
  viewerZone,
} from '../model/meetingTimes.ts';
import { meetingStateNames, meetingTypeName } from '../model/names.ts';
import { useSession } from '../app/session.tsx';

function MeetingTable({
  caption,
  rows,
  empty,
  known,
}: {
  caption: string;
  rows: Meeting[];
  empty: string;
  known: Catalog | null;
}) {
  const { user } = useSession();
  const zone = viewerZone();
  return (
    <DataTable
      caption={caption}
      rows={rows}
      rowKey={(meeting) => meeting.id}
      empty={empty}
      columns={[
        {
          header: 'Subject',
          rowHeader: true,
          cell: (meeting) => (
            <Link to={hrefOf({ kind: 'meeting', id: meeting.id })}>{meeting.subject}</Link>
          ),
        },
        {
          header: `When (${zone.replaceAll('_', ' ')})`,
          cell: (meeting) => {
            const repeats = recurrenceWords(meeting.recurrence);
            return (
              <>
                {occurrenceWords(meeting, zone)}
                {repeats === null ? null : <span className="field-hint"> · {repeats}</span>}
              </>
            );
          },
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
  );
}

export function MeetingsPage() {
  const meetings = useResource(listMeetings, []);
  const catalog = useCatalog();
  const known = catalog.status === 'ready' ? catalog.data : null;

  return (
    <Page
      title="Meetings"
      intro="Meetings you organize or were invited to, in your time zone."
      actions={
        <Link to="/meetings/new" className="button button-primary">
          Schedule a meeting
        </Link>
      }
    >
      <Loaded resource={meetings}>
        {(rows) => {
          const { upcoming, past } = splitByWhen(rows);
          return (
            <>
              <Section title="Upcoming">
                <MeetingTable
                  caption="Upcoming meetings"
                  rows={upcoming}
                  empty="Nothing coming up. Schedule a meeting to get started."
                  known={known}
                />
              </Section>
              <Section title="Past">
                <MeetingTable
                  caption="Past meetings"
                  rows={past}
                  empty="No past meetings."
                  known={known}
                />
              </Section>
            </>
          );
        }}
      </Loaded>
    </Page>
  );
}
