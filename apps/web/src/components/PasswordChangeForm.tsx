// Changing one's own password: the current one, the new one, and the new one again (a typo in a
// password nobody sees would lock its owner out). The server checks the password rule and answers
// with a sentence tied to the field; the repeat is checked here, before anything is sent.
import { useState, type FormEvent } from 'react';
import { changeMyPassword } from '../api/session.ts';
import type { User } from '../api/types.ts';
import { ApiError } from '../api/http.ts';
import { useAction } from '../app/hooks.ts';
import { fieldHints } from '../model/fieldErrors.ts';
import { ErrorMessage } from './ErrorMessage.tsx';
import { TextField } from './fields.tsx';
import { StatusLine } from './Notice.tsx';

interface PasswordChangeFormProps {
  /** The label of the submit button. */
  submitLabel: string;
  onChanged: (user: User) => void;
}

export function PasswordChangeForm({ submitLabel, onChanged }: PasswordChangeFormProps) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [mismatch, setMismatch] = useState<string | null>(null);
  const action = useAction();
  const hints = fieldHints(action.error instanceof ApiError ? action.error.fields : [], [
    'currentPassword',
    'newPassword',
  ]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (next !== again) {
      setMismatch('The two new passwords are not the same.');
      return;
    }
    setMismatch(null);
    void action.run(async () => {
      const user = await changeMyPassword(current, next);
      setCurrent('');
      setNext('');
      setAgain('');
      onChanged(user);
      return 'Your password is changed. Your other sessions were signed out.';
    });
  };

  return (
    <form className="form" onSubmit={submit} noValidate>
      <TextField
        label="Current password"
        type="password"
        value={current}
        onChange={setCurrent}
        autoComplete="current-password"
        required
        error={hints.byField['currentPassword']}
      />
      <TextField
        label="New password"
        type="password"
        value={next}
        onChange={setNext}
        autoComplete="new-password"
        required
        hint="At least 12 characters, not a common password."
        error={hints.byField['newPassword']}
      />
      <TextField
        label="New password again"
        type="password"
        value={again}
        onChange={setAgain}
        autoComplete="new-password"
        required
        error={mismatch ?? undefined}
      />
      <ErrorMessage error={action.error} unclaimed={hints.unclaimed} />
      <StatusLine message={action.done} />
      <button type="submit" className="button button-primary" disabled={action.busy}>
        {action.busy ? 'Changing…' : submitLabel}
      </button>
    </form>
  );
}
