// Sign in with email and password; the server sets the session cookie.
import { useEffect, useState, type FormEvent } from 'react';
import { useAction } from '../app/hooks.ts';
import { signIn } from '../api/session.ts';
import type { User } from '../api/types.ts';
import { ApiError } from '../api/http.ts';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { TextField } from '../components/fields.tsx';
import { Notice } from '../components/Notice.tsx';
import { fieldHints } from '../model/fieldErrors.ts';

interface SignInPageProps {
  notice: string | null;
  onSignedIn: (user: User) => void;
}

export function SignInPage({ notice, onSignedIn }: SignInPageProps) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [organization, setOrganization] = useState('');
  const [askOrganization, setAskOrganization] = useState(false);
  const action = useAction();
  // An email that accounts in several organizations have, with a password that opens more than
  // one: the server asks which organization; the field appears with its list.
  const organizationAsked =
    action.error instanceof ApiError && action.error.code === 'ORGANIZATION_REQUIRED';
  const showOrganization = askOrganization || organizationAsked || organization !== '';

  useEffect(() => {
    document.title = 'Sign in · Conclave';
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      onSignedIn(await signIn(email.trim(), password, organization.trim() || undefined));
    });
  };

  const hints = fieldHints(action.error instanceof ApiError ? action.error.fields : [], [
    'email',
    'password',
    'organization',
  ]);

  return (
    <main className="center-card" id="main">
      <h1 id="page-title" tabIndex={-1}>
        Sign in to Conclave
      </h1>
      {notice ? <Notice kind="info">{notice}</Notice> : null}
      <form
        onSubmit={submit}
        noValidate
        aria-describedby={action.error ? 'sign-in-error' : undefined}
      >
        <TextField
          label="Email"
          type="email"
          value={email}
          onChange={setEmail}
          autoComplete="username"
          required
          error={hints.byField['email']}
        />
        <TextField
          label="Password"
          type="password"
          value={password}
          onChange={setPassword}
          autoComplete="current-password"
          required
          error={hints.byField['password']}
        />
        {showOrganization ? (
          <TextField
            label="Organization"
            value={organization}
            onChange={setOrganization}
            autoComplete="organization"
            hint="Its name, for an email address you use in several organizations."
            error={hints.byField['organization']}
          />
        ) : (
          <button
            type="button"
            className="button button-quiet button-small"
            onClick={() => setAskOrganization(true)}
          >
            In several organizations? Name yours
          </button>
        )}
        <div id="sign-in-error">
          <ErrorMessage error={action.error} unclaimed={hints.unclaimed} />
        </div>
        <button type="submit" className="button button-primary" disabled={action.busy}>
          {action.busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
