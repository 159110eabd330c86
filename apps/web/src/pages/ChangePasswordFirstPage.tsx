// The step a one-time password leads to: an admin set it, so before anything else the person
// chooses their own. The server refuses everything else to this session (PASSWORD_CHANGE_REQUIRED);
// this page is where the app sends them, and after the change they land where they were going.
import { useEffect } from 'react';
import type { User } from '../api/types.ts';
import { PasswordChangeForm } from '../components/PasswordChangeForm.tsx';

interface ChangePasswordFirstPageProps {
  user: User;
  onChanged: (user: User) => void;
  onSignOut: () => void;
}

export function ChangePasswordFirstPage({
  user,
  onChanged,
  onSignOut,
}: ChangePasswordFirstPageProps) {
  useEffect(() => {
    document.title = 'Choose your password · Conclave';
  }, []);
  return (
    <main className="center-card" id="main">
      <h1 id="page-title" tabIndex={-1}>
        Choose your own password
      </h1>
      <p>
        Welcome, {user.displayName}. The password you signed in with was set by an admin and works
        only once: choose your own to continue.
      </p>
      <PasswordChangeForm submitLabel="Change password and continue" onChanged={onChanged} />
      <button type="button" className="button button-quiet" onClick={onSignOut}>
        Sign out
      </button>
    </main>
  );
}
