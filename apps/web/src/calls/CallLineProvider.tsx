// Gives every signed-in page the app's call line (./callLine.ts), and shows the incoming-call
// dialog over whatever page is open. Accept takes the callee to the call's room; Decline tells the
// caller. One line per signed-in user: signing out closes it.
import { createContext, useContext, useEffect, useState, useSyncExternalStore } from 'react';
import type { ReactNode } from 'react';
import { actOnCall } from '../api/meetings.ts';
import { hrefOf } from '../app/routes.ts';
import { navigate } from '../app/router.tsx';
import { CallLine } from './callLine.ts';
import { IncomingCallDialog } from './IncomingCallDialog.tsx';

const CallLineContext = createContext<CallLine | null>(null);

/** The app's call line; null outside a signed-in page (or before it exists). */
export function useCallLine(): CallLine | null {
  return useContext(CallLineContext);
}

export function CallLineProvider({ userId, children }: { userId: string; children: ReactNode }) {
  const [line, setLine] = useState<CallLine | null>(null);
  useEffect(() => {
    const created = new CallLine(userId);
    setLine(created);
    void created.start();
    return () => created.close();
  }, [userId]);
  return (
    <CallLineContext.Provider value={line}>
      {children}
      {line ? <Ringing line={line} /> : null}
    </CallLineContext.Provider>
  );
}

function Ringing({ line }: { line: CallLine }) {
  const { ringing } = useSyncExternalStore(line.subscribe, line.snapshot);
  const [error, setError] = useState<unknown>(null);
  const call = ringing[0];
  if (call === undefined) return null;
  const answer = async (action: 'accept' | 'decline') => {
    setError(null);
    try {
      await actOnCall(call.callId, action);
      line.dismiss(call.callId);
      if (action === 'accept') navigate(hrefOf({ kind: 'call', id: call.callId }));
    } catch (failed) {
      // Cancelled or missed meanwhile: say so in the dialog; its notice closes it.
      setError(failed);
    }
  };
  return (
    <IncomingCallDialog
      key={call.callId}
      call={call}
      error={error}
      onAccept={() => void answer('accept')}
      onDecline={() => void answer('decline')}
    />
  );
}
