// Two hooks every page uses: loading data (with reload) and running an action (busy, error, done).
import { useCallback, useEffect, useRef, useState } from 'react';

export type Resource<T> =
  | { status: 'loading'; reload: () => void }
  | { status: 'error'; error: unknown; reload: () => void }
  | { status: 'ready'; data: T; reload: () => void };

/** Loads on mount and whenever `deps` change; a stale answer never overwrites a newer one. */
export function useResource<T>(load: () => Promise<T>, deps: readonly unknown[]): Resource<T> {
  const [version, setVersion] = useState(0);
  const [state, setState] = useState<
    { status: 'loading' } | { status: 'error'; error: unknown } | { status: 'ready'; data: T }
  >({ status: 'loading' });
  const reload = useCallback(() => setVersion((v) => v + 1), []);

  useEffect(() => {
    let current = true;
    // Keep showing the old data while reloading, so a table doesn't flicker after every change.
    setState((previous) => (previous.status === 'ready' ? previous : { status: 'loading' }));
    load().then(
      (data) => current && setState({ status: 'ready', data }),
      (error: unknown) => current && setState({ status: 'error', error }),
    );
    return () => {
      current = false;
    };
    // The caller names the dependencies, as with useEffect itself.
  }, [...deps, version]);

  return { ...state, reload };
}

export interface Action {
  busy: boolean;
  error: unknown;
  /** A short confirmation of the last success, for a status line. */
  done: string | null;
  run(work: () => Promise<string | void>): Promise<boolean>;
  reset: () => void;
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const run = useCallback(async (work: () => Promise<string | void>) => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const message = await work();
      if (mounted.current) setDone(message ?? null);
      return true;
    } catch (caught) {
      if (mounted.current) setError(caught);
      return false;
    } finally {
      if (mounted.current) setBusy(false);
    }
  }, []);
  const reset = useCallback(() => {
    setError(null);
    setDone(null);
  }, []);
  return { busy, error, done, run, reset };
}
