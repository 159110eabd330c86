// The app's addresses. Pure, so the table is tested without a browser.

export const adminSections = [
  'encryption-policies',
  'assignments',
  'templates',
  'labels',
  'compliance-recording',
  'tenant',
  'sso',
  'users',
  'groups',
  'audit',
  'what-if',
] as const;
export type AdminSection = (typeof adminSections)[number];

export const adminSectionTitles: Record<AdminSection, string> = {
  'encryption-policies': 'Enhanced encryption policies',
  assignments: 'Policy assignments',
  templates: 'Meeting templates',
  labels: 'Sensitivity labels',
  'compliance-recording': 'Compliance recording',
  tenant: 'Tenant E2EE settings',
  sso: 'Single sign-on',
  users: 'Users and licences',
  groups: 'Groups',
  audit: 'Audit log',
  'what-if': 'What-if',
};

export type Route =
  | { kind: 'meetings' }
  | { kind: 'schedule' }
  | { kind: 'meeting'; id: string }
  | { kind: 'room'; id: string }
  | { kind: 'calls' }
  | { kind: 'call'; id: string }
  | { kind: 'settings' }
  | { kind: 'admin' }
  | { kind: 'adminSection'; section: AdminSection }
  | { kind: 'notFound'; path: string };

function isAdminSection(value: string): value is AdminSection {
  return (adminSections as readonly string[]).includes(value);
}

function decode(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

export function matchRoute(pathname: string): Route {
  const parts = pathname.split('/').filter((part) => part !== '');
  const [first, second, third] = parts;
  const notFound: Route = { kind: 'notFound', path: pathname };
  if (parts.length === 0) return { kind: 'meetings' };
  switch (first) {
    case 'meetings': {
      if (parts.length === 1) return { kind: 'meetings' };
      if (second === 'new' && parts.length === 2) return { kind: 'schedule' };
      const id = second === undefined ? null : decode(second);
      if (id === null || parts.length > 3) return notFound;
      if (parts.length === 2) return { kind: 'meeting', id };
      return third === 'room' ? { kind: 'room', id } : notFound;
    }
    case 'calls': {
      if (parts.length === 1) return { kind: 'calls' };
      const id = second === undefined ? null : decode(second);
      return id === null || parts.length > 2 ? notFound : { kind: 'call', id };
    }
    case 'settings':
      return parts.length === 1 ? { kind: 'settings' } : notFound;
    case 'admin':
      if (parts.length === 1) return { kind: 'admin' };
      if (parts.length === 2 && second !== undefined && isAdminSection(second)) {
        return { kind: 'adminSection', section: second };
      }
      return notFound;
    default:
      return notFound;
  }
}

export function hrefOf(route: Route): string {
  switch (route.kind) {
    case 'meetings':
      return '/meetings';
    case 'schedule':
      return '/meetings/new';
    case 'meeting':
      return `/meetings/${encodeURIComponent(route.id)}`;
    case 'room':
      return `/meetings/${encodeURIComponent(route.id)}/room`;
    case 'calls':
      return '/calls';
    case 'call':
      return `/calls/${encodeURIComponent(route.id)}`;
    case 'settings':
      return '/settings';
    case 'admin':
      return '/admin';
    case 'adminSection':
      return `/admin/${route.section}`;
    case 'notFound':
      return route.path;
  }
}

export function isAdminRoute(route: Route): boolean {
  return route.kind === 'admin' || route.kind === 'adminSection';
}
