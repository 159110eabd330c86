// Placeholder until the in-browser E2EE media room lands (a later task).
import { Link } from '../app/router.tsx';
import { hrefOf } from '../app/routes.ts';
import { Page } from '../components/Page.tsx';

export function MeetingRoomPage({ id }: { id: string }) {
  return (
    <Page title="Meeting room">
      <p>
        The meeting room, with end-to-end encrypted audio and video in the browser, is not part of
        this version of Conclave yet. It will open here.
      </p>
      <p>
        <Link to={hrefOf({ kind: 'meeting', id })}>Back to the meeting</Link>
      </p>
    </Page>
  );
}
