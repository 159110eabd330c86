// Sign in with email and password, or through the organization's identity provider (single
// sign-on: the browser goes there and comes back signed in); the server sets the session cookie.
// A single sign-on that failed comes back with `?sso_error=<code>`, said here in a sentence.
import { useEffect, useState, type FormEvent } from 'react';
import { useAction } from '../app/hooks.ts';
import { lookUpSso, signIn } from '../api/session.ts';
import type { User } from '../api/types.ts';
import { ApiError } from '../api/http.ts';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { TextField } from '../components/fields.tsx';
import { Notice } from '../components/Notice.tsx';
import { fieldHints } from '../model/fieldErrors.ts';

/** What each failure code of the server's single sign-on callback means to the person. */
const ssoFailures: Record<string, string> = {
  flow_expired: 'The single sign-on took too long or was interrupted. Try again.',
  provider_refused: 'Your identity provider did not sign you in. Try again.',
  id_token_invalid:
    "Your identity provider's answer could not be verified, so you were not signed in. Try again; if it keeps happening, tell your administrator.",
  claims_missing:
    'Your identity provider did not say who you are (no email). Tell your administrator.',
  domain_not_allowed:
    "The account you signed in with at your identity provider is not one of your organization's email domains.",
  email_unverified:
    'An account with your email exists here, and your identity provider has not verified that email. Tell your administrator.',
  not_configured: 'Single sign-on is not set up for that email address.',
  account_disabled:
    'Your account is disabled, so you were not signed in. An admin of your organization can enable it again.',
};

function ssoFailureInUrl(): string | null {
  const code = new URLSearchParams(window.location.search).get('sso_error');
  if (code === null) return null;
  return ssoFailures[code] ?? 'Single sign-on did not sign you in. Try again.';
}

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
  const [ssoProblem, setSsoProblem] = useState<string | null>(ssoFailureInUrl);
  const [ssoBusy, setSsoBusy] = useState(false);
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

  const signInWithSso = async () => {
    setSsoProblem(null);
    if (!email.includes('@')) {
      setSsoProblem('Enter your work email first: it says which organization signs you in.');
      return;
    }
    setSsoBusy(true);
    try {
      const here = window.location.pathname === '/' ? '/meetings' : window.location.pathname;
      const found = await lookUpSso(email.trim(), here);
      if (found.sso && found.startUrl !== undefined) {
        window.location.assign(found.startUrl);
        return;
      }
      setSsoProblem('Single sign-on is not set up for that email address: use your password.');
    } catch (error) {
      setSsoProblem(error instanceof Error ? error.message : 'Single sign-on could not start.');
    } finally {
      setSsoBusy(false);
    }
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
      <section aria-labelledby="sso-title" className="sign-in-sso">
        <h2 id="sso-title">Single sign-on</h2>
        <p>Your organization may sign you in through its own identity provider.</p>
        {ssoProblem ? (
          <p className="error-box" role="alert">
            {ssoProblem}
          </p>
        ) : null}
        <button
          type="button"
          className="button"
          disabled={ssoBusy}
          onClick={() => void signInWithSso()}
        >
          {ssoBusy ? 'Going to your identity provider…' : 'Continue with single sign-on'}
        </button>
      </section>
    </main>
  );
}
