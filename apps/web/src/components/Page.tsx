// The frame of every page: its title (also the document title), an intro, and the resource states.
import { useEffect, useId, type ReactNode } from 'react';
import type { Resource } from '../app/hooks.ts';
import { ErrorMessage } from './ErrorMessage.tsx';

interface PageProps {
  title: string;
  intro?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
}

export function Page({ title, intro, actions, children }: PageProps) {
  useEffect(() => {
    document.title = `${title} · Conclave`;
  }, [title]);
  return (
    <article className="page">
      <header className="page-header">
        <div>
          <h1 tabIndex={-1} id="page-title">
            {title}
          </h1>
          {intro ? <p className="page-intro">{intro}</p> : null}
        </div>
        {actions ? <div className="page-actions">{actions}</div> : null}
      </header>
      {children}
    </article>
  );
}

/** Renders the loaded data, or a loading line, or the error with a retry. */
export function Loaded<T>({
  resource,
  children,
}: {
  resource: Resource<T>;
  children: (data: T) => ReactNode;
}) {
  switch (resource.status) {
    case 'loading':
      return (
        <p className="loading" role="status">
          Loading…
        </p>
      );
    case 'error':
      return (
        <div>
          <ErrorMessage error={resource.error} />
          <button type="button" className="button" onClick={resource.reload}>
            Try again
          </button>
        </div>
      );
    case 'ready':
      return <>{children(resource.data)}</>;
  }
}

export function Section({ title, children }: { title: string; children: ReactNode }) {
  const id = useId();
  return (
    <section className="section" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}
