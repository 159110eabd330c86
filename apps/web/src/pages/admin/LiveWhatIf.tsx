// The what-if against the live organization: pick a person, a meeting (or a new E2EE meeting
// they would organize) and a client, and see how the organization as it is now decides — with
// the scenario it ran, which the page puts in the editor so a draft change can be tried on it.
import { useState } from 'react';
import { platformNames, platforms } from '@conclave/vocabulary';
import type { Platform } from '@conclave/vocabulary';
import { explainLive, users } from '../../api/admin.ts';
import type { LiveExplainAnswer } from '../../api/types.ts';
import { useAction, useResource } from '../../app/hooks.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { SelectField, TextField } from '../../components/fields.tsx';
import { meetingIdOf } from '../../model/whatIf.ts';

export function LiveWhatIf({ onAnswer }: { onAnswer: (answer: LiveExplainAnswer) => void }) {
  const people = useResource(users.list, []);
  const [person, setPerson] = useState('');
  const [meeting, setMeeting] = useState('');
  const [platform, setPlatform] = useState<Platform>('web');
  const [version, setVersion] = useState('');
  const run = useAction();

  const list = people.status === 'ready' ? people.data : [];
  const chosen = person === '' ? list[0]?.id : person;
  const choices = list.map((user) => ({
    value: user.id,
    label: `${user.displayName} (${user.email})`,
  }));

  return (
    <form
      className="form"
      aria-label="What-if against your organization"
      onSubmit={(event) => {
        event.preventDefault();
        if (chosen === undefined) return;
        const meetingId = meetingIdOf(meeting);
        void run.run(async () => {
          onAnswer(
            await explainLive({
              user: chosen,
              ...(meetingId === undefined ? {} : { meeting: meetingId }),
              client: { platform, ...(version.trim() === '' ? {} : { version: version.trim() }) },
            }),
          );
        });
      }}
    >
      {people.status === 'error' ? <ErrorMessage error={people.error} /> : null}
      <SelectField
        label="Person"
        value={chosen ?? ''}
        choices={choices}
        onChange={setPerson}
        disabled={list.length === 0}
      />
      <TextField
        label="Meeting"
        value={meeting}
        onChange={setMeeting}
        hint="A meeting's join link or id. Leave it empty for a new end-to-end encrypted meeting this person would organize."
      />
      <SelectField
        label="Client"
        value={platform}
        choices={platforms.map((value) => ({ value, label: platformNames[value] }))}
        onChange={setPlatform}
      />
      <TextField
        label="Client version"
        value={version}
        onChange={setVersion}
        hint="Such as 1.4.0; leave it empty when it does not matter (an unknown version never meets a minimum)."
      />
      {run.error ? <ErrorMessage error={run.error} /> : null}
      <div className="form-actions">
        <button
          type="submit"
          className="button button-primary"
          disabled={run.busy || chosen === undefined}
        >
          {run.busy ? 'Deciding…' : 'Decide against the organization'}
        </button>
      </div>
    </form>
  );
}
