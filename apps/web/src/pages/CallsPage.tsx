// Start a 1:1 call and see whether it is end-to-end encrypted, and if not, why (§6).
import { useState, type FormEvent } from 'react';
import { useAction, useResource } from '../app/hooks.ts';
import { Link } from '../app/router.tsx';
import { useSession } from '../app/session.tsx';
import { listDirectory, startCall } from '../api/meetings.ts';
import type { CallResult } from '../api/types.ts';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { SelectField } from '../components/fields.tsx';
import { LockIcon } from '../components/LockIcon.tsx';
import { Loaded, Page } from '../components/Page.tsx';
import { ReasonList } from '../components/ReasonList.tsx';

function CallResultView({ result, calleeName }: { result: CallResult; calleeName: string }) {
  const encrypted = result.call.endToEndEncryption.enabled;
  return (
    <div className={`notice ${encrypted ? 'notice-success' : 'notice-info'}`} role="status">
      <p className="notice-title">
        {encrypted ? <LockIcon label="" /> : null} Call with {calleeName}:{' '}
        {encrypted ? 'end-to-end encrypted.' : 'standard encryption (not end-to-end encrypted).'}
      </p>
      <ReasonList
        reasons={result.decision.reasons}
        title={encrypted ? undefined : 'Why it is not end-to-end encrypted:'}
      />
    </div>
  );
}

export function CallsPage() {
  const { user } = useSession();
  const directory = useResource(listDirectory, []);
  const [callee, setCallee] = useState('');
  const [result, setResult] = useState<{ result: CallResult; calleeName: string } | null>(null);
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
            const name = others.find((person) => person.id === chosen)?.displayName ?? chosen;
            void action.run(async () => {
              setResult({ result: await startCall(chosen), calleeName: name });
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
      {result ? <CallResultView result={result.result} calleeName={result.calleeName} /> : null}
    </Page>
  );
}
