// Who is in the meeting. In an E2EE meeting this is the MLS group itself (each leaf's user and
// device key fingerprint), not the server's list; in a standard meeting it is the server's list.
// The organizer and admins may remove someone (after asking once more), over the room's own
// connection: the server takes them out at once — even while its database is away — the group
// rekeys, and they cannot come back while the meeting runs.
import type { RosterMember } from '@conclave/client';
import { useState } from 'react';
import { useSession } from '../app/session.tsx';
import { ConfirmButton } from '../components/ConfirmButton.tsx';
import { deviceNoteWords } from './alerts.ts';

/** Set for meetings (calls have no organizer to remove anyone). */
export interface Removal {
  readonly organizerId: string;
  /** Resolves once the removal is done; rejects with a sentence for the user. */
  readonly remove: (participantId: string) => Promise<void>;
}

export function ParticipantList({
  roster,
  e2ee,
  hands,
  removal,
  onVerify,
}: {
  roster: readonly RosterMember[];
  e2ee: boolean;
  /** Participant ids with a hand raised (`self` for this participant). */
  hands: ReadonlySet<string>;
  removal?: Removal | undefined;
  /** Opens the verification of a member's device (E2EE: VerifyDialog). */
  onVerify?: ((member: RosterMember) => void) | undefined;
}) {
  const { user } = useSession();
  const [busy, setBusy] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const mayRemove =
    removal !== undefined && (user.id === removal.organizerId || user.role === 'admin');

  async function remove(participantId: string): Promise<void> {
    if (removal === undefined) return;
    setBusy(participantId);
    setProblem(null);
    try {
      await removal.remove(participantId);
    } catch (error) {
      setProblem(error instanceof Error ? error.message : 'The participant was not removed.');
    } finally {
      setBusy(null);
    }
  }

  return (
    <section className="room-panel" aria-labelledby="room-people">
      <h2 id="room-people">Participants ({roster.length})</h2>
      {e2ee ? (
        <p className="room-panel-hint">
          From the encrypted group. Verify a device with its owner to be sure of it: this browser
          keeps the mark and shows it in every later meeting.
        </p>
      ) : null}
      {problem ? (
        <p className="error-box" role="alert">
          {problem}
        </p>
      ) : null}
      <ul className="room-people">
        {roster.map((member) => {
          // The label tells namesakes apart (their email); the note flags a device new here.
          const name = member.label;
          const removable = mayRemove && !member.self && member.userId !== removal.organizerId;
          return (
            <li key={`${member.leafIndex}:${member.deviceId ?? ''}`} className="room-person">
              <span className="room-person-name">
                {name}
                {member.self ? ' (you)' : ''}
                {hands.has(member.self ? 'self' : (member.participantId ?? '')) ? (
                  <span className="room-person-note room-person-hand" data-hand="raised">
                    {' — ✋ hand raised'}
                  </span>
                ) : null}
                {member.verified ? ' ' : null}
                {member.verified ? (
                  <span
                    className="badge badge-verified"
                    aria-label={`Verified device of ${name}`}
                    data-verified="true"
                  >
                    Verified
                  </span>
                ) : null}
                {member.deviceNote ? (
                  <span className="room-person-note" data-note={member.deviceNote}>
                    {` — ${deviceNoteWords(member.deviceNote)}`}
                  </span>
                ) : null}
              </span>
              {busy === member.participantId ? (
                <span className="room-person-note" role="status">
                  {' — removing; done once the server has recorded it and the group rekeyed'}
                </span>
              ) : null}
              {member.fingerprint ? (
                <code className="fingerprint" aria-label={`Key fingerprint of ${name}`}>
                  {member.fingerprint}
                </code>
              ) : null}
              {onVerify && !member.self && member.deviceId !== null && member.fingerprint ? (
                <button
                  type="button"
                  className="button button-small"
                  aria-label={`Verify the device of ${name}`}
                  onClick={() => onVerify(member)}
                >
                  {member.verified ? 'Verification' : 'Verify'}
                </button>
              ) : null}
              {removable ? (
                <ConfirmButton
                  label="Remove"
                  name={`Remove ${name}`}
                  question={`Remove ${name} from this meeting? They cannot rejoin while it runs.`}
                  busy={busy !== null && busy === member.participantId}
                  refusal={
                    member.participantId === undefined
                      ? 'This member is not yet matched to a connection; try again in a moment.'
                      : null
                  }
                  onConfirm={() => {
                    if (member.participantId !== undefined) void remove(member.participantId);
                  }}
                />
              ) : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
