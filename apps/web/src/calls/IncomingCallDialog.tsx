// "Alice is calling you": a modal dialog over any page while a call rings, with whether the call
// will be end-to-end encrypted (and, if not, why), Accept and Decline, and the ring.
import { useEffect, useRef } from 'react';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { LockIcon } from '../components/LockIcon.tsx';
import type { RingingCall } from './callLine.ts';
import { startRingTone } from './ringTone.ts';

interface IncomingCallDialogProps {
  call: RingingCall;
  error: unknown;
  onAccept: () => void;
  onDecline: () => void;
}

export function IncomingCallDialog({ call, error, onAccept, onDecline }: IncomingCallDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element !== null && !element.open) element.showModal();
    const tone = startRingTone();
    return () => {
      tone.stop();
      element?.close();
    };
  }, []);
  return (
    <dialog
      ref={dialog}
      className="incoming-call"
      aria-labelledby="incoming-call-title"
      // Escape declines nothing: it would leave the caller ringing with no answer shown.
      onCancel={(event) => event.preventDefault()}
    >
      <h2 id="incoming-call-title">{call.callerName} is calling you</h2>
      {call.e2ee ? (
        <p className="e2ee-on">
          <LockIcon label="" /> End-to-end encrypted call
        </p>
      ) : (
        <div className="e2ee-off">
          <p>Standard encryption (not end-to-end encrypted):</p>
          <ul className="reason-list">
            {call.reasons.map((reason) => (
              <li key={reason.code} className="reason">
                <span className="reason-message">{reason.message}</span>{' '}
                <code className="reason-code">{reason.code}</code>
              </li>
            ))}
          </ul>
        </div>
      )}
      <ErrorMessage error={error} />
      <div className="incoming-call-actions">
        <button type="button" className="button button-primary" onClick={onAccept}>
          Accept
        </button>
        <button type="button" className="button button-danger" onClick={onDecline}>
          Decline
        </button>
      </div>
    </dialog>
  );
}
