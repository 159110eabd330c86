// Shown while the meeting's connection is being made again: why (the server said it is
// restarting, or the connection just went), which attempt, and when the next one is due. The
// meeting carries on by itself once it is back — same group, same security code — so the words
// say so instead of asking the user to do anything.
import type { RoomConnection } from './roomSession.ts';

export function ReconnectingBanner({
  connection,
  noun,
}: {
  connection: RoomConnection;
  noun: 'meeting' | 'call';
}) {
  if (connection.kind !== 'reconnecting') return null;
  const why = connection.serverRestarting
    ? 'The server is restarting.'
    : 'The connection to the server was lost.';
  const secondsLeft =
    connection.nextAttemptAt === undefined
      ? undefined
      : Math.max(0, Math.ceil((connection.nextAttemptAt - Date.now()) / 1000));
  const attempt =
    connection.attempt === undefined
      ? 'Reconnecting…'
      : secondsLeft === undefined || secondsLeft === 0
        ? `Reconnecting (attempt ${connection.attempt})…`
        : `Reconnecting (attempt ${connection.attempt}, next try in ${secondsLeft} s)…`;
  return (
    <p
      className="notice notice-warning"
      role="status"
      data-testid="reconnecting"
      data-reason={connection.serverRestarting ? 'server_restarting' : 'connection_lost'}
    >
      {`${why} ${attempt} The ${noun} continues where it was once the server is back.`}
    </p>
  );
}
