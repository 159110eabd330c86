import { adminSections, adminSectionTitles, hrefOf, type AdminSection } from '../../app/routes.ts';
import { Link } from '../../app/router.tsx';
import { Page } from '../../components/Page.tsx';

const descriptions: Record<AdminSection, string> = {
  'encryption-policies': 'Who may hold end-to-end encrypted meetings and calls.',
  assignments: 'Which policy applies to which users and groups, and the org-wide default.',
  templates:
    'Meeting templates: E2EE on or off by default, and which options organizers may change.',
  labels: 'Sensitivity labels that force end-to-end encryption on.',
  'compliance-recording': 'Compliance recording policies; people under them cannot use E2EE.',
  tenant: 'Participant cap and which clients may join end-to-end encrypted meetings.',
  sso: 'Sign-in through your identity provider (OpenID Connect), people created at first sign-in, groups from it.',
  users: 'People, their role and their Premium licence.',
  groups: 'Groups and their members.',
  audit: 'Every policy change, assignment, E2EE decision and blocked join.',
  'what-if': 'Test a policy change on a scenario before you make it.',
};

export function AdminHomePage() {
  return (
    <Page title="Admin center" intro="Govern end-to-end encryption for your organization.">
      <ul className="card-list">
        {adminSections.map((section) => (
          <li key={section} className="card">
            <Link to={hrefOf({ kind: 'adminSection', section })}>
              {adminSectionTitles[section]}
            </Link>
            <p>{descriptions[section]}</p>
          </li>
        ))}
      </ul>
    </Page>
  );
}
