// The app: find out who is signed in, then show the page the address names.
import { Suspense, lazy, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { setUnauthorizedListener } from '../api/http.ts';
import { fetchMe, signOut as endSession } from '../api/session.ts';
import type { User } from '../api/types.ts';
import { CallLineProvider } from '../calls/CallLineProvider.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { AdminHomePage } from '../pages/admin/AdminHomePage.tsx';
import { AdminSectionPage } from '../pages/admin/AdminSectionPage.tsx';
import { CallsPage } from '../pages/CallsPage.tsx';
import { ChangePasswordFirstPage } from '../pages/ChangePasswordFirstPage.tsx';
import { MeetingDetailPage } from '../pages/MeetingDetailPage.tsx';
import { MeetingsPage } from '../pages/MeetingsPage.tsx';
import { NotAllowedPage } from '../pages/NotAllowedPage.tsx';
import { NotFoundPage } from '../pages/NotFoundPage.tsx';
import { ScheduleMeetingPage } from '../pages/ScheduleMeetingPage.tsx';
import { SettingsPage } from '../pages/SettingsPage.tsx';
import { SignInPage } from '../pages/SignInPage.tsx';
import { Layout } from './Layout.tsx';
import { isAdminRoute, matchRoute, type Route } from './routes.ts';
import { navigate, usePath } from './router.tsx';
import { SessionContext, type Session } from './session.tsx';

// The room carries the SDK (MLS, SFrame, WebCodecs): loaded only when someone opens a room.
const MeetingRoomPage = lazy(() =>
  import('../pages/MeetingRoomPage.tsx').then((m) => ({ default: m.MeetingRoomPage })),
);
const CallRoomPage = lazy(() =>
  import('../pages/CallRoomPage.tsx').then((m) => ({ default: m.CallRoomPage })),
);

type SessionState =
  | { kind: 'checking' }
  | { kind: 'signedOut'; notice: string | null }
  | { kind: 'signedIn'; user: User }
  | { kind: 'failed'; error: unknown };

function PageFor({ route, user }: { route: Route; user: User }) {
  if (isAdminRoute(route) && user.role !== 'admin') return <NotAllowedPage />;
  switch (route.kind) {
    case 'meetings':
      return <MeetingsPage />;
    case 'schedule':
      return <ScheduleMeetingPage />;
    case 'meeting':
      return <MeetingDetailPage id={route.id} />;
    case 'room':
      return (
        <Suspense
          fallback={
            <p className="loading" role="status">
              Loading the meeting room…
            </p>
          }
        >
          <MeetingRoomPage id={route.id} />
        </Suspense>
      );
    case 'calls':
      return <CallsPage />;
    case 'call':
      return (
        <Suspense
          fallback={
            <p className="loading" role="status">
              Loading the call…
            </p>
          }
        >
          <CallRoomPage id={route.id} />
        </Suspense>
      );
    case 'settings':
      return <SettingsPage />;
    case 'admin':
      return <AdminHomePage />;
    case 'adminSection':
      return <AdminSectionPage section={route.section} />;
    case 'notFound':
      return <NotFoundPage />;
  }
}

export function App() {
  const path = usePath();
  const route = useMemo(() => matchRoute(path), [path]);
  const [state, setState] = useState<SessionState>({ kind: 'checking' });

  const check = useCallback(() => {
    setState({ kind: 'checking' });
    fetchMe().then(
      (user) => setState(user ? { kind: 'signedIn', user } : { kind: 'signedOut', notice: null }),
      (error: unknown) => setState({ kind: 'failed', error }),
    );
  }, []);

  useEffect(() => {
    check();
    setUnauthorizedListener(() =>
      setState({ kind: 'signedOut', notice: 'Your session has ended. Sign in again to continue.' }),
    );
    return () => setUnauthorizedListener(null);
  }, [check]);

  // After a navigation, move focus to the new page's title so screen readers announce it.
  const previousPath = useRef(path);
  useEffect(() => {
    if (path === previousPath.current) return;
    previousPath.current = path;
    document.getElementById('page-title')?.focus();
  }, [path]);

  const session = useMemo<Session | null>(
    () =>
      state.kind === 'signedIn'
        ? {
            user: state.user,
            setUser: (user) => setState({ kind: 'signedIn', user }),
            signOut: async () => {
              try {
                await endSession();
              } finally {
                setState({ kind: 'signedOut', notice: 'You have signed out.' });
                navigate('/', { replace: true });
              }
            },
          }
        : null,
    [state],
  );

  switch (state.kind) {
    case 'checking':
      return (
        <p className="loading center" role="status">
          Loading Conclave…
        </p>
      );
    case 'failed':
      return (
        <main className="center-card" id="main">
          <h1>Conclave is not available</h1>
          <ErrorMessage error={state.error} />
          <button type="button" className="button" onClick={check}>
            Try again
          </button>
        </main>
      );
    case 'signedOut':
      return (
        <SignInPage
          notice={state.notice}
          onSignedIn={(user) => setState({ kind: 'signedIn', user })}
        />
      );
    case 'signedIn':
      // A one-time password: nothing else until it is changed (the server enforces it too).
      if (state.user.mustChangePassword) {
        return (
          <ChangePasswordFirstPage
            user={state.user}
            onChanged={(user) => setState({ kind: 'signedIn', user })}
            onSignOut={() => void session?.signOut()}
          />
        );
      }
      return (
        <SessionContext.Provider value={session}>
          <CallLineProvider userId={state.user.id}>
            <Layout route={route}>
              <PageFor route={route} user={state.user} />
            </Layout>
          </CallLineProvider>
        </SessionContext.Provider>
      );
  }
}
