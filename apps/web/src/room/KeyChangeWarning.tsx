// A verified device whose key changed: a blocking dialog, not a notice among others. The person
// verified that device by hand; a new key may be a new installation — or someone else. It names
// the person and the device, says the key changed and the verification was removed, and stays
// until acknowledged (Escape does not close it).
import { useEffect, useRef } from 'react';
import type { RoomAlert } from './alerts.ts';

export function KeyChangeWarning({
  alert,
  onAcknowledge,
}: {
  alert: RoomAlert;
  onAcknowledge: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element !== null && !element.open) element.showModal();
    return () => element?.close();
  }, []);
  return (
    <dialog
      ref={dialog}
      className="key-change-warning"
      role="alertdialog"
      aria-labelledby="key-change-title"
      aria-describedby="key-change-text"
      onCancel={(event) => event.preventDefault()}
    >
      <h2 id="key-change-title">A verified device&rsquo;s key changed</h2>
      <p id="key-change-text" className="key-change-text">
        {alert.text}
      </p>
      {alert.fingerprint ? (
        <p>
          New fingerprint: <code className="fingerprint">{alert.fingerprint}</code>
        </p>
      ) : null}
      <div className="button-row">
        <button type="button" className="button button-danger" onClick={onAcknowledge}>
          I understand
        </button>
      </div>
    </dialog>
  );
}
