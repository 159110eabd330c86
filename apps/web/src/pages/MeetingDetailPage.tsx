// One meeting: its state, its encryption and where that came from, its features, and for the
// organizer start, end and option changes. Reaching for a feature E2EE rules out says why.
import { useEffect, useMemo, useState } from 'react';
import type { MeetingOptions } from '@conclave/protocol';
import { incompatibleOptions } from '@conclave/vocabulary';
import type { IncompatibleOption } from '@conclave/vocabulary';
import { namesFor, useCatalog } from '../app/catalog.ts';
import { forget, leftFor } from '../app/flash.ts';
import { useAction, useResource } from '../app/hooks.ts';
import { hrefOf } from '../app/routes.ts';
import { Link } from '../app/router.tsx';
import { useSession } from '../app/session.tsx';
import { ApiError } from '../api/http.ts';
import {
  changeMeetingOptions,
  endMeeting,
  getMeeting,
  invitationFileUrl,
  listDirectory,
  startMeeting,
} from '../api/meetings.ts';
import type { Meeting, MeetingWithDecision } from '../api/types.ts';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { InvitationList } from '../components/InvitationList.tsx';
import { JoinLink } from '../components/JoinLink.tsx';
import { CheckboxField } from '../components/fields.tsx';
import { LockIcon } from '../components/LockIcon.tsx';
import { Notice } from '../components/Notice.tsx';
import { WaitingList } from '../components/WaitingList.tsx';
import { Loaded, Page, Section } from '../components/Page.tsx';
import { ReasonList } from '../components/ReasonList.tsx';
import {
  e2eeBecause,
  e2eeSourceName,
  e2eeSummary,
  featureUnavailableSentence,
  lockSentence,
  type MeetingNames,
} from '../model/e2eeWords.ts';
import {
  occurrenceWords,
  recurrenceWords,
  scheduleWords,
  viewerZone,
} from '../model/meetingTimes.ts';
import { meetingStateNames, meetingTypeName, optionName } from '../model/names.ts';

/** The buttons a participant might reach for, each backed by one option. */
const featureActions: { option: IncompatibleOption; label: string }[] = [
  { option: 'recording', label: 'Record' },
  { option: 'transcription', label: 'Transcribe' },
  { option: 'liveCaptions', label: 'Live captions' },
  { option: 'breakoutRooms', label: 'Breakout rooms' },
  { option: 'copilot', label: 'Copilot' },
];

function featureAnswer(meeting: Meeting, option: IncompatibleOption, names: MeetingNames): string {
  const state = meeting.endToEndEncryption;
  if (state.enabled) return `${featureUnavailableSentence(option, state, names)}.`;
  const feature = meeting.features[option];
  if (feature?.enabled) {
    return `${optionName(option)} is allowed in this meeting; it is started from the meeting room, which is not part of this version yet.`;
  }
  return `${optionName(option)} is off for this meeting. The organizer can turn it on in the meeting options.`;
}

function FeatureActions({ meeting, names }: { meeting: Meeting; names: MeetingNames }) {
  // The option asked about, not the sentence: names may still be loading when it is pressed.
  const [asked, setAsked] = useState<IncompatibleOption | null>(null);
  return (
    <div>
      <div className="button-row">
        {featureActions.map(({ option, label }) => {
          const available =
            !meeting.endToEndEncryption.enabled && meeting.features[option]?.enabled === true;
          return (
            <button
              key={option}
              type="button"
              className="button"
              // aria-disabled rather than disabled: the button stays focusable and answers why.
              aria-disabled={!available}
              onClick={() => setAsked(option)}
            >
              {!available ? <LockIcon label="Unavailable" /> : null} {label}
            </button>
          );
        })}
      </div>
      <p className="feature-answer" role="status" aria-live="polite">
        {asked ? featureAnswer(meeting, asked, names) : ''}
      </p>
    </div>
  );
}

function FeatureTable({ meeting, names }: { meeting: Meeting; names: MeetingNames }) {
  const listed = incompatibleOptions.filter((option) => meeting.features[option] !== undefined);
  if (listed.length === 0) {
    return <p>No optional features are turned on for this meeting.</p>;
  }
  const state = meeting.endToEndEncryption;
  // With E2EE on, every feature is off for the same reason: say it once.
  const allForE2ee = listed.every(
    (option) => meeting.features[option]?.reason === 'FEATURE_UNAVAILABLE_IN_E2EE',
  );
  return (
    <>
      {allForE2ee ? (
        <p className="e2ee-lock">
          <LockIcon label="" />
          None of these are available: this meeting is end-to-end encrypted
          {e2eeBecause(state, names)}.
        </p>
      ) : null}
      <ul className={allForE2ee ? 'feature-list feature-list-compact' : 'feature-list'}>
        {listed.map((option) => {
          const feature = meeting.features[option];
          const forE2ee = feature?.reason === 'FEATURE_UNAVAILABLE_IN_E2EE';
          return (
            <li key={option}>
              <span className="feature-name">{optionName(option)}</span>{' '}
              <span className={feature?.enabled ? 'pill pill-on' : 'pill pill-off'}>
                {feature?.enabled ? 'On' : 'Off'}
              </span>
              {feature?.locked ? <LockIcon /> : null}
              {forE2ee && !allForE2ee ? (
                <span className="feature-reason">
                  {featureUnavailableSentence(option, state, names)}
                </span>
              ) : null}
            </li>
          );
        })}
      </ul>
    </>
  );
}

function OptionsEditor({
  meeting,
  onSaved,
}: {
  meeting: Meeting;
  onSaved: (answer: MeetingWithDecision) => void;
}) {
  const initial: MeetingOptions = { onlyInvited: meeting.options.onlyInvited === true };
  for (const option of incompatibleOptions) {
    initial[option] = meeting.options[option] ?? meeting.features[option]?.enabled ?? false;
  }
  const [options, setOptions] = useState<MeetingOptions>(initial);
  const save = useAction();
  const e2ee = meeting.endToEndEncryption;
  const e2eeLocked = e2ee.locked || meeting.state !== 'scheduled';
  const wantE2ee = options.endToEndEncryption ?? e2ee.enabled;

  return (
    <form
      className="form"
      onSubmit={(event) => {
        event.preventDefault();
        void save.run(async () => {
          onSaved(await changeMeetingOptions(meeting.id, options));
          return 'Options saved.';
        });
      }}
    >
      <CheckboxField
        label="End-to-end encryption"
        checked={wantE2ee}
        disabled={e2eeLocked}
        hint={
          meeting.state !== 'scheduled'
            ? 'End-to-end encryption cannot be switched once the meeting has started.'
            : e2ee.locked
              ? 'Locked by the meeting’s label or template.'
              : undefined
        }
        onChange={(checked) => setOptions({ ...options, endToEndEncryption: checked })}
      />
      <CheckboxField
        label="Only invited people can join"
        checked={options.onlyInvited === true}
        hint={
          options.onlyInvited === true
            ? 'Anyone else who opens the link is told they are not invited.'
            : 'Anyone else of the organization who opens the link waits in the lobby until you let them in.'
        }
        onChange={(checked) => setOptions({ ...options, onlyInvited: checked })}
      />
      {wantE2ee ? (
        <p className="field-hint">
          The options below are unavailable while the meeting is end-to-end encrypted.
        </p>
      ) : null}
      <div className="options-grid">
        {incompatibleOptions.map((option) => (
          <CheckboxField
            key={option}
            label={optionName(option)}
            checked={options[option] === true}
            disabled={wantE2ee && options[option] !== true}
            hint={
              wantE2ee && options[option] !== true
                ? 'Unavailable while end-to-end encrypted.'
                : undefined
            }
            quietHint
            onChange={(checked) => setOptions({ ...options, [option]: checked })}
          />
        ))}
      </div>
      <ErrorMessage
        error={save.error}
        title={
          save.error instanceof ApiError && save.error.reasons.length > 0
            ? 'These options were not saved:'
            : undefined
        }
      />
      {save.done ? <Notice>{save.done}</Notice> : null}
      <button type="submit" className="button" disabled={save.busy}>
        Save options
      </button>
    </form>
  );
}

function MeetingView({ answer }: { answer: MeetingWithDecision }) {
  const { user } = useSession();
  const catalog = useCatalog();
  const directory = useResource(listDirectory, []);
  const [current, setCurrent] = useState(answer);
  const lifecycle = useAction();
  const { meeting, decision } = current;
  const names = namesFor(meeting, catalog.status === 'ready' ? catalog.data : null);
  const isOrganizer = meeting.organizer === user.id;
  const organizerName =
    directory.status === 'ready'
      ? (directory.data.find((person) => person.id === meeting.organizer)?.displayName ??
        meeting.organizer)
      : isOrganizer
        ? user.displayName
        : meeting.organizer;
  const lock = lockSentence(meeting.endToEndEncryption, names);
  const zone = viewerZone();
  const repeats = recurrenceWords(meeting.recurrence);
  const canSeeInvitation =
    isOrganizer || user.role === 'admin' || meeting.invitees.includes(user.id);
  const featureNotes = decision.reasons.filter((r) => r.code === 'FEATURE_UNAVAILABLE_IN_E2EE');
  const mainReasons = decision.reasons.filter((r) => r.code !== 'FEATURE_UNAVAILABLE_IN_E2EE');

  const act = (work: () => Promise<void>, done: string) =>
    void lifecycle.run(async () => {
      await work();
      setCurrent(await getMeeting(meeting.id));
      return done;
    });

  return (
    <>
      <dl className="facts">
        <div>
          <dt>Type</dt>
          <dd>{meetingTypeName(meeting.type)}</dd>
        </div>
        <div>
          <dt>State</dt>
          <dd>{meetingStateNames[meeting.state]}</dd>
        </div>
        <div>
          <dt>When</dt>
          <dd>{scheduleWords(meeting, zone)}</dd>
        </div>
        {repeats === null ? null : (
          <div>
            <dt>Repeats</dt>
            <dd>{repeats}</dd>
          </div>
        )}
        <div>
          <dt>{meeting.when === 'upcoming' ? 'Next' : 'Last'}</dt>
          <dd>{occurrenceWords(meeting, zone)} your time</dd>
        </div>
        <div>
          <dt>Organizer</dt>
          <dd>{isOrganizer ? `${organizerName} (you)` : organizerName}</dd>
        </div>
        <div>
          <dt>Template</dt>
          <dd>{names.template ?? 'None'}</dd>
        </div>
        <div>
          <dt>Sensitivity label</dt>
          <dd>{names.label ?? 'None'}</dd>
        </div>
      </dl>

      <Section title="Invited">
        <InvitationList
          answer={current}
          directory={directory.status === 'ready' ? directory.data : []}
          canChange={isOrganizer || user.role === 'admin'}
          onChanged={setCurrent}
        />
        {canSeeInvitation ? (
          <p>
            <a href={invitationFileUrl(meeting.id)} download="invitation.ics">
              Download invitation (.ics)
            </a>
          </p>
        ) : null}
      </Section>

      <Section title="Encryption">
        <p
          className={
            meeting.endToEndEncryption.enabled ? 'e2ee-status e2ee-on' : 'e2ee-status e2ee-off'
          }
        >
          {lock ? <LockIcon /> : null} {e2eeSummary(meeting.endToEndEncryption, names)}
        </p>
        <p className="field-hint">
          Decided by {e2eeSourceName(meeting.endToEndEncryption, names)}.
        </p>
        <ReasonList reasons={mainReasons} title="What governance said:" />
        {featureNotes.length > 0 ? (
          <details>
            <summary>Notes on each unavailable feature ({featureNotes.length})</summary>
            <ReasonList reasons={featureNotes} />
          </details>
        ) : null}
      </Section>

      <Section title="Features">
        <FeatureTable meeting={meeting} names={names} />
        <FeatureActions meeting={meeting} names={names} />
      </Section>

      <Section title="Take part">
        {meeting.state !== 'ended' ? (
          <JoinLink path={hrefOf({ kind: 'room', id: meeting.id })} />
        ) : null}
        <div className="button-row">
          {meeting.state !== 'ended' ? (
            <Link to={hrefOf({ kind: 'room', id: meeting.id })} className="button button-primary">
              Join
            </Link>
          ) : null}
          {isOrganizer && meeting.state === 'scheduled' ? (
            <button
              type="button"
              className="button"
              disabled={lifecycle.busy}
              onClick={() => act(() => startMeeting(meeting.id), 'The meeting has started.')}
            >
              Start meeting
            </button>
          ) : null}
          {isOrganizer && meeting.state === 'started' ? (
            <button
              type="button"
              className="button button-danger"
              disabled={lifecycle.busy}
              onClick={() => act(() => endMeeting(meeting.id), 'The meeting has ended.')}
            >
              End meeting
            </button>
          ) : null}
        </div>
        <ErrorMessage
          error={lifecycle.error}
          title={
            lifecycle.error instanceof ApiError && lifecycle.error.reasons.length > 0
              ? 'The meeting did not start:'
              : undefined
          }
        />
        {lifecycle.done ? <Notice>{lifecycle.done}</Notice> : null}
        {(isOrganizer || user.role === 'admin') && meeting.state !== 'ended' ? (
          <WaitingList meetingId={meeting.id} e2ee={meeting.endToEndEncryption.enabled} />
        ) : null}
      </Section>

      {isOrganizer && meeting.state !== 'ended' ? (
        <Section title="Meeting options">
          <OptionsEditor
            key={JSON.stringify(meeting.options) + meeting.state}
            meeting={meeting}
            onSaved={setCurrent}
          />
        </Section>
      ) : null}
    </>
  );
}

/** "Scheduled …": what the schedule form left for this page (app/flash.ts), shown on arrival. */
function JustScheduled({ scheduled }: { scheduled: MeetingWithDecision }) {
  const catalog = useCatalog();
  const names = namesFor(scheduled.meeting, catalog.status === 'ready' ? catalog.data : null);
  return (
    <div className="notice notice-success" role="status">
      <p className="notice-title">
        Scheduled “{scheduled.meeting.subject}”.{' '}
        {e2eeSummary(scheduled.meeting.endToEndEncryption, names)}
      </p>
      <ReasonList reasons={scheduled.decision.reasons} />
    </div>
  );
}

export function MeetingDetailPage({ id }: { id: string }) {
  const meeting = useResource(() => getMeeting(id), [id]);
  const path = hrefOf({ kind: 'meeting', id });
  const scheduled = useMemo(() => leftFor<MeetingWithDecision>(path), [path]);
  useEffect(() => () => forget(path), [path]);
  const title = meeting.status === 'ready' ? meeting.data.meeting.subject : 'Meeting';
  return (
    <Page title={title} intro={<Link to="/meetings">All meetings</Link>}>
      {scheduled === undefined ? null : <JustScheduled scheduled={scheduled} />}
      <Loaded resource={meeting}>
        {(answer) => <MeetingView key={answer.meeting.id} answer={answer} />}
      </Loaded>
    </Page>
  );
}
