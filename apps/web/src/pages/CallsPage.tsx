// Start a 1:1 call (then go to its room), and see the calls of the last day — an incoming one
// with a Join button. The list is polled while the page is open: there is no ringing channel.
import { useEffect, useState, type FormEvent } from 'react';
import { useAction, useResource } from '../app/hooks.ts';
import { hrefOf } from '../app/routes.ts';
import { Link, navigate } from '../app/router.tsx';
import { useSession } from '../app/session.tsx';
import { listCalls, listDirectory, startCall } from '../api/meetings.ts';
import type { CallSummary } from '../api/types.ts';
import { DataTable } from '../components/DataTable.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { SelectField } from '../components/fields.tsx';
import { LockIcon } from '../components/LockIcon.tsx';
import { Loaded, Page, Section } from '../components/Page.tsx';

const POLL_MS = 3_000;
/** How long an unanswered call reads "is calling you" rather than "called you". */
const RINGING_MS = 2 * 60_000;

function callLine(call: CallSummary, now: number): string {
  const name = call.other.displayName;
  if (call.direction === 'outgoing') return `You called ${name}`;
  return now - Date.parse(call.createdAt) < RINGING_MS
    ? `${name} is calling you`
    : `${name} called you`;
}

function RecentCalls() {
  const calls = useResource(listCalls, []);
  const { reload } = calls;
  useEffect(() => {
    const timer = setInterval(reload, POLL_MS);
    return () => clearInterval(timer);
  }, [reload]);
  const now = Date.now();
  return (
    <Section title="Recent calls">
      <Loaded resource={calls}>
        {(rows) => (
          <DataTable
            caption="Calls of the last 24 hours, newest first"
            rows={rows}
            rowKey={(call) => call.id}
            empty="No calls in the last 24 hours. Calls to you appear here while this page is open."
            columns={[
              {
                header: 'Call',
                rowHeader: true,
                cell: (call) => (
                  <span className={`call-line call-${call.direction}`}>{callLine(call, now)}</span>
                ),
              },
              {
                header: 'When',
                cell: (call) => new Date(call.createdAt).toLocaleTimeString(),
              },
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
                cell: (call) => (
                  <Link
                    to={hrefOf({ kind: 'call', id: call.id })}
                    className={`button ${call.direction === 'incoming' ? 'button-primary' : ''}`}
                  >
                    Join
                  </Link>
                ),
              },
            ]}
          />
        )}
      </Loaded>
    </Section>
  );
}

export function CallsPage() {
  const { user } = useSession();
  const directory = useResource(listDirectory, []);
  const [callee, setCallee] = useState('');
  const action = useAction();

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
      <Loaded resource={directory}>
        {(people) => {
          const others = people.filter((person) => person.id !== user.id);
          const chosen = callee || others[0]?.id || '';
          const submit = (event: FormEvent) => {
            event.preventDefault();
            void action.run(async () => {
              const { call } = await startCall(chosen);
              navigate(hrefOf({ kind: 'call', id: call.id }));
            });
          };
          if (others.length === 0)
            return <p>There is nobody else in your organization to call yet.</p>;
          return (
            <form className="form" onSubmit={submit}>
              <SelectField
                label="Call"
                value={chosen}
                choices={others.map((person) => ({ value: person.id, label: person.displayName }))}
                onChange={setCallee}
              />
              <button type="submit" className="button button-primary" disabled={action.busy}>
                Start call
              </button>
            </form>
          );
        }}
      </Loaded>
      <ErrorMessage error={action.error} />
      <RecentCalls />
    </Page>
  );
}
