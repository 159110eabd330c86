// A destructive button that asks once more in the page itself (no browser dialog), or, when the
// action is not possible, stays focusable and says why instead.
import { useId, useState } from 'react';

interface ConfirmButtonProps {
  label: string;
  /**
   * The button's accessible name when its label alone is ambiguous in a list: "Remove Bob
   * Participant", not one of several "Remove" buttons.
   */
  name?: string;
  /** "Delete the policy 'Sales'?" */
  question: string;
  onConfirm: () => void;
  busy?: boolean;
  /** Why this cannot be done; the button then explains instead of acting. */
  refusal?: string | null;
}

export function ConfirmButton({
  label,
  name,
  question,
  onConfirm,
  busy,
  refusal,
}: ConfirmButtonProps) {
  const [asking, setAsking] = useState(false);
  const [explaining, setExplaining] = useState(false);
  const id = useId();
  if (refusal) {
    return (
      <span className="confirm">
        <button
          type="button"
          className="button button-small"
          aria-disabled="true"
          aria-label={name}
          aria-describedby={explaining ? id : undefined}
          onClick={() => setExplaining(true)}
        >
          {label}
        </button>
        {explaining ? (
          <span className="inline-explanation" id={id} role="status">
            {refusal}
          </span>
        ) : null}
      </span>
    );
  }
  if (!asking) {
    return (
      <button
        type="button"
        className="button button-small button-danger"
        aria-label={name}
        onClick={() => setAsking(true)}
      >
        {label}
      </button>
    );
  }
  return (
    <span className="confirm" role="group" aria-label={question}>
      <span className="confirm-question">{question}</span>
      <button
        type="button"
        className="button button-small button-danger"
        disabled={busy}
        autoFocus
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        Yes, {label.toLowerCase()}
      </button>
      <button
        type="button"
        className="button button-small button-quiet"
        onClick={() => setAsking(false)}
      >
        Cancel
      </button>
    </span>
  );
}
