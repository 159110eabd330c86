// Who is in the meeting. In an E2EE meeting this is the MLS group itself (each leaf's user and
// device key fingerprint), not the server's list; in a standard meeting it is the server's list.
import type { RosterMember } from '@conclave/client';

export function ParticipantList({
  roster,
  e2ee,
}: {
  roster: readonly RosterMember[];
  e2ee: boolean;
}) {
  return (
    <section className="room-panel" aria-labelledby="room-people">
      <h2 id="room-people">Participants ({roster.length})</h2>
      {e2ee ? (
        <p className="room-panel-hint">
          From the encrypted group. Compare a fingerprint with its owner to be sure of a device.
        </p>
      ) : null}
      <ul className="room-people">
        {roster.map((member) => (
          <li key={`${member.leafIndex}:${member.deviceId ?? ''}`} className="room-person">
            <span className="room-person-name">
              {member.displayName ?? 'Unknown member'}
              {member.self ? ' (you)' : ''}
            </span>
            {member.fingerprint ? (
              <code className="fingerprint" aria-label="Key fingerprint">
                {member.fingerprint}
              </code>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
