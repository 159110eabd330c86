// Calls: find someone in the directory and call them (nobody is picked until you pick), and the
// call history — incoming, outgoing, missed — with times, how each went and whether it was
// end-to-end encrypted. A call ringing for you shows as a dialog on any page (../calls/), so the
// history is read again when a notice arrives instead of being polled.
import { useEffect, useState } from 'react';
import { useAction, useResource } from '../app/hooks.ts';
import { hrefOf } from '../app/routes.ts';
import { Link, navigate } from '../app/router.tsx';
import { useSession } from '../app/session.tsx';
import { signCallee } from '../admissions/signedAdmissions.ts';
import { listCalls, listDirectory, startCall } from '../api/meetings.ts';
import type { DirectoryUser } from '../api/types.ts';
import { useCallLine } from '../calls/CallLineProvider.tsx';
import { callDuration, historyLine } from '../calls/callWords.ts';
import { DataTable } from '../components/DataTable.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { TextField } from '../components/fields.tsx';
import { LockIcon } from '../components/LockIcon.tsx';
import { Loaded, Page, Section } from '../components/Page.tsx';

/** At most this many people are listed for a search; type more to narrow it. */
const SHOWN = 8;

function matches(person: DirectoryUser, search: string): boolean {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  const name = person.displayName.toLowerCase();
  return words.length > 0 && words.every((word) => name.includes(word));
}

function DirectorySearch() {
  const { user } = useSession();
  const directory = useResource(listDirectory, []);
  const [search, setSearch] = useState('');
  const action = useAction();
  const call = (person: DirectoryUser) =>
    void action.run(async () => {
      const { call: placed } = await startCall(person.id);
      // The two sides of an E2EE call admit no one this browser's device did not sign.
      if (placed.endToEndEncryption.enabled) await signCallee(user.id, placed.id, person.id);
      navigate(hrefOf({ kind: 'call', id: placed.id }));
    });
  return (
    <Section title="Call someone">
      <Loaded resource={directory}>
        {(people) => {
          const others = people.filter((person) => person.id !== user.id);
          if (others.length === 0)
            return <p>There is nobody else in your organization to call yet.</p>;
          const found = others.filter((person) => matches(person, search));
          return (
            <div className="directory-search">
              <TextField
                label="Find a person"
                type="search"
                value={search}
                onChange={setSearch}
                hint="Type part of their name."
                autoComplete="off"
              />
              {search.trim() === '' ? null : found.length === 0 ? (
                <p role="status">Nobody in your organization matches “{search.trim()}”.</p>
              ) : (
                <ul className="directory-results" aria-label="People found">
                  {found.slice(0, SHOWN).map((person) => (
                    <li key={person.id}>
                      <span>{person.displayName}</span>
                      <button
                        type="button"
                        className="button button-primary"
                        disabled={action.busy}
                        onClick={() => call(person)}
                      >
                        Call {person.displayName}
                      </button>
                    </li>
                  ))}
                </ul>
              )}
            </div>
          );
        }}
      </Loaded>
      <ErrorMessage error={action.error} />
    </Section>
  );
}

function CallHistory() {
  const calls = useResource(listCalls, []);
  const line = useCallLine();
  const { reload } = calls;
  // A call rang, was answered or ended: read the history again (no polling).
  useEffect(() => line?.watch(() => reload()), [line, reload]);
  return (
    <Section title="Call history">
      <Loaded resource={calls}>
        {(rows) => (
          <DataTable
            caption="Your calls, newest first"
            rows={rows}
            rowKey={(call) => call.id}
            empty="No calls yet."
            columns={[
              {
                header: 'Call',
                rowHeader: true,
                cell: (call) => (
                  <span className={`call-line call-${call.direction} call-state-${call.state}`}>
                    {historyLine(call)}
                  </span>
                ),
              },
              {
                header: 'When',
                cell: (call) => (
                  <time dateTime={call.createdAt}>{new Date(call.createdAt).toLocaleString()}</time>
                ),
              },
              { header: 'Duration', cell: (call) => callDuration(call) ?? '—' },
              {
                header: 'Encryption',
                cell: (call) =>
                  call.endToEndEncryption.enabled ? (
                    <span className="e2ee-on">
                      <LockIcon label="" /> End-to-end encrypted
                    </span>
                  ) : (
                    <span className="e2ee-off">Standard</span>
                  ),
              },
              {
                header: 'Action',
                cell: (call) =>
                  call.state === 'ringing' || call.state === 'accepted' ? (
                    <Link to={hrefOf({ kind: 'call', id: call.id })} className="button">
                      Open
                    </Link>
                  ) : null,
              },
            ]}
          />
        )}
      </Loaded>
    </Section>
  );
}

export function CallsPage() {
  return (
    <Page
      title="Calls"
      intro={
        <>
          A 1:1 call is end-to-end encrypted only when both people&apos;s encryption policies allow
          it and both have turned it on in <Link to="/settings">their settings</Link>.
        </>
      }
    >
      <DirectorySearch />
      <CallHistory />
    </Page>
  );
}
