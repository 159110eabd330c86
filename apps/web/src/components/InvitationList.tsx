// Who is invited to a meeting, on its page. Its organizer (or an admin) adds people from the
// directory or takes them off before the meeting starts; afterwards the list is read-only and
// says why. Invitees enter directly; anyone else would wait in the lobby (governance.md §5).
import { useState } from 'react';
import { useAction } from '../app/hooks.ts';
import { useSession } from '../app/session.tsx';
import { ONLY_THE_ORGANIZER_SIGNS, signInvitationChange } from '../admissions/signedAdmissions.ts';
import { inviteToMeeting, uninviteFromMeeting } from '../api/meetings.ts';
import type { DirectoryUser, MeetingWithDecision } from '../api/types.ts';
import { ErrorMessage } from './ErrorMessage.tsx';
import { Notice } from './Notice.tsx';
import { SelectField } from './fields.tsx';

export function InvitationList({
  answer,
  directory,
  canChange,
  onChanged,
}: {
  answer: MeetingWithDecision;
  /** The organization's people, for names and the picker; empty while it loads. */
  directory: readonly DirectoryUser[];
  /** The organizer or an admin. */
  canChange: boolean;
  onChanged: (answer: MeetingWithDecision) => void;
}) {
  const { meeting } = answer;
  const { user } = useSession();
  const change = useAction();
  /**
   * In an E2EE meeting members admit only whom the organizer's device signed: the organizer's
   * browser signs each change; an admin's change waits for the organizer (and says so).
   */
  const signed = async (
    after: MeetingWithDecision,
    what: { add?: string[]; remove?: string[] },
  ): Promise<string> => {
    if (!after.meeting.endToEndEncryption.enabled) return '';
    if (after.meeting.organizer !== user.id) return ` ${ONLY_THE_ORGANIZER_SIGNS}`;
    await signInvitationChange(user.id, after.meeting.id, what);
    return ' The invitation list is signed on this device.';
  };
  const [chosen, setChosen] = useState('');
  const nameOf = (id: string) => directory.find((person) => person.id === id)?.displayName ?? id;
  const editable = canChange && meeting.state === 'scheduled';
  const candidates = directory.filter(
    (person) => person.id !== meeting.organizer && !meeting.invitees.includes(person.id),
  );

  const invite = () => {
    if (chosen === '') return;
    void change.run(async () => {
      const after = await inviteToMeeting(meeting.id, [chosen]);
      onChanged(after);
      const name = nameOf(chosen);
      setChosen('');
      return `${name} is invited.${await signed(after, { add: [chosen] })}`;
    });
  };
  const uninvite = (userId: string) =>
    void change.run(async () => {
      const after = await uninviteFromMeeting(meeting.id, userId);
      onChanged(after);
      return `${nameOf(userId)} is no longer invited.${await signed(after, { remove: [userId] })}`;
    });

  return (
    <div className="invitations">
      {meeting.invitees.length === 0 ? (
        <p>Nobody is invited yet.</p>
      ) : (
        <ul className="invitee-list" aria-label="Invited people">
          {meeting.invitees.map((userId) => (
            <li key={userId}>
              <span>{nameOf(userId)}</span>
              {editable ? (
                <button
                  type="button"
                  className="button button-quiet"
                  disabled={change.busy}
                  onClick={() => uninvite(userId)}
                  aria-label={`Remove ${nameOf(userId)}`}
                >
                  Remove
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {editable && candidates.length > 0 ? (
        <div className="form-row">
          <SelectField
            label="Invite someone"
            value={chosen}
            choices={[
              { value: '', label: 'Choose a person…' },
              ...candidates.map((person) => ({ value: person.id, label: person.displayName })),
            ]}
            onChange={setChosen}
          />
          <button
            type="button"
            className="button"
            disabled={change.busy || chosen === ''}
            onClick={invite}
          >
            Invite
          </button>
        </div>
      ) : null}
      {canChange && meeting.state !== 'scheduled' ? (
        <p className="field-hint">
          The meeting has {meeting.state === 'started' ? 'started' : 'ended'}: who is invited can
          only change before the start.
        </p>
      ) : null}
      <ErrorMessage error={change.error} />
      {change.done ? <Notice>{change.done}</Notice> : null}
    </div>
  );
}
