// A status line for successes and information; announced politely to screen readers.
import type { ReactNode } from 'react';

export function Notice({
  kind = 'success',
  children,
}: {
  kind?: 'success' | 'info' | 'warning';
  children: ReactNode;
}) {
  return (
    <div className={`notice notice-${kind}`} role="status">
      {children}
    </div>
  );
}

/** Keeps a live region in the page so a later message is announced. */
export function StatusLine({ message }: { message: string | null }) {
  return (
    <p className="status-line" role="status" aria-live="polite">
      {message ?? ''}
    </p>
  );
}
