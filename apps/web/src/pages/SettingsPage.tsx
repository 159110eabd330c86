// My settings: whether my 1:1 calls may be end-to-end encrypted, and my password.
import { useState } from 'react';
import { useAction } from '../app/hooks.ts';
import { useSession } from '../app/session.tsx';
import { updateMySettings } from '../api/session.ts';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { PasswordChangeForm } from '../components/PasswordChangeForm.tsx';
import { Switch } from '../components/fields.tsx';
import { StatusLine } from '../components/Notice.tsx';
import { Page, Section } from '../components/Page.tsx';

export function SettingsPage() {
  const { user, setUser } = useSession();
  const [on, setOn] = useState(user.settings.e2eeCalls);
  const action = useAction();

  const change = (next: boolean) => {
    setOn(next);
    void action
      .run(async () => {
        const updated = await updateMySettings({ e2eeCalls: next });
        setUser(updated ?? { ...user, settings: { ...user.settings, e2eeCalls: next } });
        return next ? 'End-to-end encrypted calls are on.' : 'End-to-end encrypted calls are off.';
      })
      .then((ok) => {
        if (!ok) setOn(!next);
      });
  };

  return (
    <Page title="My settings">
      <Section title="Calls">
        <Switch
          label="End-to-end encrypted calls"
          checked={on}
          disabled={action.busy}
          onChange={change}
          describedBy="e2ee-calls-hint"
        />
        <p className="field-hint" id="e2ee-calls-hint">
          When on, your 1:1 calls are end-to-end encrypted if the other person has turned this on
          too and both your encryption policies allow it. Otherwise calls use standard encryption,
          and both of you are told why.
        </p>
        <ErrorMessage error={action.error} />
        <StatusLine message={action.done} />
      </Section>
      <Section title="Password">
        <p className="field-hint">
          Changing your password signs you out everywhere else; you stay signed in here.
        </p>
        <PasswordChangeForm submitLabel="Change password" onChanged={setUser} />
      </Section>
      <Section title="Account">
        <dl className="facts">
          <div>
            <dt>Name</dt>
            <dd>{user.displayName}</dd>
          </div>
          <div>
            <dt>Email</dt>
            <dd>{user.email}</dd>
          </div>
          <div>
            <dt>Premium licence</dt>
            <dd>{user.premium ? 'Yes: you can hold end-to-end encrypted meetings' : 'No'}</dd>
          </div>
        </dl>
      </Section>
    </Page>
  );
}
