// The chrome around every signed-in page: skip link, header with who is signed in, navigation.
import type { ReactNode } from 'react';
import { adminSections, adminSectionTitles, hrefOf, type Route } from './routes.ts';
import { Link } from './router.tsx';
import { useSession } from './session.tsx';

interface NavItem {
  to: string;
  label: string;
  /** 'page' for the page itself, 'location' for a section below it. */
  current: 'page' | 'location' | false;
}

function NavList({ label, items }: { label: string; items: NavItem[] }) {
  return (
    <nav aria-label={label}>
      <ul className="nav-list">
        {items.map((item) => (
          <li key={item.to}>
            <Link to={item.to} aria-current={item.current || undefined}>
              {item.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function Layout({ route, children }: { route: Route; children: ReactNode }) {
  const { user, signOut } = useSession();
  const isAdmin = user.role === 'admin';
  const main: NavItem[] = [
    {
      to: '/meetings',
      label: 'Meetings',
      current:
        route.kind === 'meetings'
          ? 'page'
          : ['meeting', 'schedule', 'room'].includes(route.kind) && 'location',
    },
    {
      to: '/calls',
      label: 'Calls',
      current: route.kind === 'calls' ? 'page' : route.kind === 'call' && 'location',
    },
    { to: '/settings', label: 'My settings', current: route.kind === 'settings' && 'page' },
  ];
  if (isAdmin) {
    main.push({
      to: '/admin',
      label: 'Admin center',
      current: route.kind === 'admin' ? 'page' : route.kind === 'adminSection' && 'location',
    });
  }
  const admin: NavItem[] = adminSections.map((section) => ({
    to: hrefOf({ kind: 'adminSection', section }),
    label: adminSectionTitles[section],
    current: route.kind === 'adminSection' && route.section === section && 'page',
  }));
  const inAdmin = isAdmin && (route.kind === 'admin' || route.kind === 'adminSection');

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/meetings" className="brand">
          Conclave
        </Link>
        <NavList label="Main" items={main} />
        <div className="whoami">
          <span>
            {user.displayName}
            {isAdmin ? <span className="badge">Admin</span> : null}
          </span>
          <button type="button" className="button button-quiet" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <div className={inAdmin ? 'body with-sidebar' : 'body'}>
        {inAdmin ? (
          <aside className="sidebar">
            <NavList label="Admin center" items={admin} />
          </aside>
        ) : null}
        <main id="main" tabIndex={-1}>
          {children}
        </main>
      </div>
    </div>
  );
}
