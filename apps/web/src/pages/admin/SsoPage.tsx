// Single sign-on: the organization's OpenID provider (issuer, client id and secret — the secret is
// write-only), the email domains whose people sign in through it, which claims carry the email,
// the name and the groups, whether people created at their first sign-in get the Premium licence,
// and whether password sign-in stays on (the first admin always keeps theirs, for emergencies).
// The server checks the provider's discovery document before it saves.
import { useState, type FormEvent } from 'react';
import { sso } from '../../api/admin.ts';
import { ApiError } from '../../api/http.ts';
import type { SsoSettings } from '../../api/types.ts';
import { useAction, useResource } from '../../app/hooks.ts';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { CheckboxField, TextField } from '../../components/fields.tsx';
import { Notice } from '../../components/Notice.tsx';
import { Loaded, Page } from '../../components/Page.tsx';
import { fieldHints } from '../../model/fieldErrors.ts';

const fields = [
  'issuer',
  'clientId',
  'clientSecret',
  'domains',
  'emailClaim',
  'nameClaim',
  'groupsClaim',
];

function SsoForm({ current, onSaved }: { current: SsoSettings | null; onSaved: () => void }) {
  const [issuer, setIssuer] = useState(current?.issuer ?? '');
  const [clientId, setClientId] = useState(current?.clientId ?? '');
  const [clientSecret, setClientSecret] = useState('');
  const [domains, setDomains] = useState(current?.domains.join(', ') ?? '');
  const [emailClaim, setEmailClaim] = useState(current?.emailClaim ?? 'email');
  const [nameClaim, setNameClaim] = useState(current?.nameClaim ?? 'name');
  const [groupsClaim, setGroupsClaim] = useState(current?.groupsClaim ?? 'groups');
  const [passwordSignIn, setPasswordSignIn] = useState(current?.passwordSignIn ?? true);
  const [newUsersPremium, setNewUsersPremium] = useState(current?.newUsersPremium ?? false);
  const save = useAction();
  const turnOff = useAction();
  const hints = fieldHints(save.error instanceof ApiError ? save.error.fields : [], fields);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save.run(async () => {
      await sso.put({
        issuer: issuer.trim(),
        clientId: clientId.trim(),
        ...(clientSecret === '' ? {} : { clientSecret }),
        domains: domains
          .split(/[\s,]+/)
          .map((d) => d.trim())
          .filter((d) => d !== ''),
        emailClaim: emailClaim.trim(),
        nameClaim: nameClaim.trim(),
        groupsClaim: groupsClaim.trim() === '' ? null : groupsClaim.trim(),
        passwordSignIn,
        newUsersPremium,
      });
      setClientSecret('');
      onSaved();
      return 'Saved. People of these domains can sign in through the provider now.';
    });
  };

  return (
    <>
      {current ? (
        <Notice kind="info">
          {`Register this redirect address with your provider: ${current.redirectUri}`}
        </Notice>
      ) : null}
      <form className="form" onSubmit={submit} noValidate>
        <TextField
          label="Issuer"
          value={issuer}
          onChange={setIssuer}
          placeholder="https://login.example.com/realms/acme"
          hint="The provider's issuer URL; its discovery document is read from it."
          error={hints.byField['issuer']}
        />
        <TextField
          label="Client id"
          value={clientId}
          onChange={setClientId}
          error={hints.byField['clientId']}
        />
        <TextField
          label="Client secret"
          type="password"
          value={clientSecret}
          onChange={setClientSecret}
          autoComplete="new-password"
          hint={
            current?.hasClientSecret
              ? 'A secret is stored (sealed; it is never shown). Leave empty to keep it.'
              : 'Stored sealed under the server key; never shown again.'
          }
          error={hints.byField['clientSecret']}
        />
        <TextField
          label="Email domains"
          value={domains}
          onChange={setDomains}
          placeholder="acme.example, acme.co.uk"
          hint="People whose email is in one of these domains sign in through this provider."
          error={hints.byField['domains']}
        />
        <fieldset className="field-group">
          <legend>Claims</legend>
          <div className="options-grid">
            <TextField
              label="Email claim"
              value={emailClaim}
              onChange={setEmailClaim}
              error={hints.byField['emailClaim']}
            />
            <TextField
              label="Name claim"
              value={nameClaim}
              onChange={setNameClaim}
              error={hints.byField['nameClaim']}
            />
            <TextField
              label="Groups claim"
              value={groupsClaim}
              onChange={setGroupsClaim}
              hint="Group names in it set people's groups here at each sign-in. Empty: groups are managed here."
              error={hints.byField['groupsClaim']}
            />
          </div>
        </fieldset>
        <CheckboxField
          label="Give people created at their first sign-in the Premium licence"
          checked={newUsersPremium}
          onChange={setNewUsersPremium}
        />
        <CheckboxField
          label="Allow password sign-in"
          checked={passwordSignIn}
          onChange={setPasswordSignIn}
          hint="Off: only the first admin may still sign in with a password (break-glass)."
        />
        <ErrorMessage error={save.error} unclaimed={hints.unclaimed} />
        {save.done ? <Notice>{save.done}</Notice> : null}
        <button type="submit" className="button button-primary" disabled={save.busy}>
          Save single sign-on
        </button>
      </form>
      {current ? (
        <section aria-labelledby="sso-off">
          <h2 id="sso-off">Turn single sign-on off</h2>
          <p>Password sign-in comes back for everyone; accounts and groups stay as they are.</p>
          <ErrorMessage error={turnOff.error} />
          <ConfirmButton
            label="Turn off"
            question="Turn single sign-on off for your organization?"
            busy={turnOff.busy}
            onConfirm={() =>
              void turnOff.run(async () => {
                await sso.remove();
                onSaved();
                return 'Single sign-on is off.';
              })
            }
          />
        </section>
      ) : null}
    </>
  );
}

export function SsoPage() {
  const current = useResource(sso.get, []);
  return (
    <Page
      title="Single sign-on"
      intro="Let people sign in through your organization's identity provider (OpenID Connect)."
    >
      <Loaded resource={current}>
        {(data) => (
          <SsoForm
            key={data?.updatedAt ?? 'none'}
            current={data}
            onSaved={() => current.reload()}
          />
        )}
      </Loaded>
    </Page>
  );
}
