// The meeting's join link, to paste into a chat or an invitation. Opening it signed out leads
// through sign-in and back to the room. Copying uses the clipboard when the browser allows it;
// otherwise the link is selected and the person is told to copy it themselves.
import { useId, useRef, useState } from 'react';

export function JoinLink({ path }: { path: string }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [said, setSaid] = useState<string | null>(null);
  const link = `${window.location.origin}${path}`;

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link);
      setSaid('Copied the join link.');
    } catch {
      input.current?.select();
      setSaid('This browser did not let the page copy: the link is selected, copy it with Ctrl+C.');
    }
  };

  return (
    <div className="field join-link">
      <label htmlFor={id}>Join link</label>
      <div className="button-row">
        <input
          id={id}
          ref={input}
          type="text"
          readOnly
          value={link}
          onFocus={(event) => event.currentTarget.select()}
        />
        <button type="button" className="button" onClick={() => void copy()}>
          Copy join link
        </button>
      </div>
      <p className="field-hint" role="status">
        {said ?? 'Anyone invited can open it; it leads through sign-in to the meeting room.'}
      </p>
    </div>
  );
}
