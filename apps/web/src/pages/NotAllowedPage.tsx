import { Link } from '../app/router.tsx';
import { Page } from '../components/Page.tsx';

export function NotAllowedPage() {
  return (
    <Page title="Not allowed">
      <p>
        The admin center is only for administrators of your organization. If you need a change to
        encryption policies, templates, labels or users, ask one of your admins.
      </p>
      <p>
        <Link to="/meetings">Go to your meetings</Link>
      </p>
    </Page>
  );
}
