// Deleting one admin object, the same way on every page: ask in the page, run through the page's
// action (its busy state and error box), say what was deleted, then let the page refresh.
import type { Action } from '../app/hooks.ts';
import { ConfirmButton } from './ConfirmButton.tsx';

interface DeleteButtonProps {
  /** "the label 'Confidential'": the question and the status line are built from it. */
  thing: string;
  action: Action;
  remove: () => Promise<unknown>;
  setStatus: (status: string) => void;
  /** Runs after every attempt, deleted or not (reload the list, clear a selection). */
  after: (deleted: boolean) => void;
  /** Why this one cannot be deleted; the button then explains instead. */
  refusal?: string | null;
}

export function DeleteButton({
  thing,
  action,
  remove,
  setStatus,
  after,
  refusal,
}: DeleteButtonProps) {
  return (
    <ConfirmButton
      label="Delete"
      question={`Delete ${thing}?`}
      busy={action.busy}
      refusal={refusal ?? null}
      onConfirm={() =>
        void action
          .run(async () => {
            await remove();
          })
          .then((deleted) => {
            if (deleted) setStatus(`Deleted ${thing}.`);
            after(deleted);
          })
      }
    />
  );
}
