// Schedule a meeting. The E2EE switch and the options show exactly what governance allows: every
// change asks the server for a preview (nothing is created) and the form reflects its decision.
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { meetingTypes } from '@conclave/vocabulary';
import type { MeetingType } from '@conclave/vocabulary';
import { namesFor, useCatalog, type Catalog } from '../app/catalog.ts';
import { useAction, useResource } from '../app/hooks.ts';
import { useSession } from '../app/session.tsx';
import { signInvitees } from '../admissions/signedAdmissions.ts';
import { hrefOf } from '../app/routes.ts';
import { Link, navigate } from '../app/router.tsx';
import { leaveFor } from '../app/flash.ts';
import { ApiError } from '../api/http.ts';
import { listDirectory, previewMeeting, scheduleMeeting } from '../api/meetings.ts';
import { E2eeToggle } from '../components/E2eeToggle.tsx';
import { WhenFields } from '../components/WhenFields.tsx';
import { LockIcon } from '../components/LockIcon.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { CheckboxField, SelectField, TextField } from '../components/fields.tsx';
import { Loaded, Page } from '../components/Page.tsx';
import { ReasonList } from '../components/ReasonList.tsx';
import { e2eeBecause } from '../model/e2eeWords.ts';
import { onState, toggleView, type Previews } from '../model/e2eeToggle.ts';
import { fieldHints } from '../model/fieldErrors.ts';
import { meetingTypeName, optionName } from '../model/names.ts';
import { gatherPreviews } from '../model/previews.ts';
import { viewerZone } from '../model/meetingTimes.ts';
import {
  defaultWhen,
  emptyScheduleForm,
  optionViews,
  toRequest,
  withCatalogChoice,
  type ScheduleForm,
} from '../model/scheduleForm.ts';

type PreviewState =
  { kind: 'pending' } | { kind: 'ready'; previews: Previews } | { kind: 'failed'; error: unknown };

const previewDelayMs = 150;

/** Re-asks the server after every change (debounced); a stale answer is dropped. */
function usePreviews(form: ScheduleForm): { state: PreviewState; fresh: boolean } {
  const [state, setState] = useState<PreviewState>({ kind: 'pending' });
  const [fresh, setFresh] = useState(false);
  const key = JSON.stringify(toRequest(form, 'preview'));
  const latest = useRef(key);

  useEffect(() => {
    latest.current = key;
    setFresh(false);
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      const request = toRequest(form, 'preview');
      gatherPreviews(request, (body) => previewMeeting(body, controller.signal)).then(
        (previews) => {
          if (latest.current !== key) return;
          setState({ kind: 'ready', previews });
          setFresh(true);
        },
        (error: unknown) => {
          if (controller.signal.aborted || latest.current !== key) return;
          setState({ kind: 'failed', error });
          setFresh(true);
        },
      );
    }, previewDelayMs);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
    // `key` is the request itself, so `form` need not be a dependency.
  }, [key]);

  return { state, fresh };
}

function Invitees({
  form,
  setForm,
}: {
  form: ScheduleForm;
  setForm: (form: ScheduleForm) => void;
}) {
  const { user } = useSession();
  const directory = useResource(listDirectory, []);
  if (directory.status !== 'ready') return null;
  const others = directory.data.filter((person) => person.id !== user.id);
  if (others.length === 0) return null;
  return (
    <fieldset className="field-group">
      <legend>Invite</legend>
      <div className="options-grid">
        {others.map((person) => (
          <CheckboxField
            key={person.id}
            label={person.displayName}
            checked={form.invitees.includes(person.id)}
            onChange={(on) =>
              setForm({
                ...form,
                invitees: on
                  ? [...form.invitees, person.id]
                  : form.invitees.filter((id) => id !== person.id),
              })
            }
          />
        ))}
      </div>
    </fieldset>
  );
}

function ScheduleForm({ catalog }: { catalog: Catalog }) {
  const [form, setForm] = useState<ScheduleForm>(() => ({
    ...emptyScheduleForm,
    when: defaultWhen(Date.now(), viewerZone()),
  }));
  const { state: preview, fresh } = usePreviews(form);
  const { user } = useSession();
  const submit = useAction();
  const resultRef = useRef<HTMLDivElement>(null);

  const template = catalog.templates.find((t) => t.id === form.template) ?? null;
  const names = namesFor({ label: form.label || null, template: form.template || null }, catalog);
  const toggle = useMemo(
    () =>
      preview.kind === 'ready'
        ? toggleView(preview.previews, form.e2ee, names)
        : ({ kind: 'checking' } as const),
    [preview, form.e2ee, names.label, names.template],
  );
  const actual = preview.kind === 'ready' ? preview.previews.actual : null;
  const options = optionViews(form, toggle, actual, template, names);
  const e2eeOn = onState(toggle);
  const hints = fieldHints(submit.error instanceof ApiError ? submit.error.fields : [], [
    'subject',
    'type',
    'template',
    'label',
    'options',
    'start',
    'timeZone',
    'durationMinutes',
    'recurrence',
  ]);

  useEffect(() => {
    if (submit.error) resultRef.current?.focus();
  }, [submit.error]);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void submit.run(async () => {
      const scheduled = await scheduleMeeting(toRequest(form, 'schedule'));
      // Members of an E2EE meeting admit only whom the organizer's device signed.
      if (scheduled.meeting.endToEndEncryption.enabled)
        await signInvitees(user.id, scheduled.meeting.id, form.invitees);
      // On to the new meeting's page, which says what was decided (app/flash.ts).
      const page = hrefOf({ kind: 'meeting', id: scheduled.meeting.id });
      leaveFor(page, scheduled);
      navigate(page);
    });
  };

  // What the switch and the options don't already show of why the request would be refused.
  const shown = new Set([
    ...('reasons' in toggle ? toggle.reasons.map((r) => r.message) : []),
    ...options.flatMap((view) => (view.problem ? [view.problem] : [])),
  ]);
  // E2EE is required here but this organizer cannot have it: the server would refuse the meeting
  // whatever else is chosen (409, the reasons the switch lists), so the button says so instead.
  const blocked =
    toggle.kind === 'requiredButUnavailable'
      ? `${toggle.sentence}, but you cannot hold end-to-end encrypted meetings (the reasons are above), so this meeting cannot be scheduled.`
      : null;
  const rejectedNow =
    actual?.outcome === 'rejected' ? actual.reasons.filter((r) => !shown.has(r.message)) : [];

  return (
    <>
      <div ref={resultRef} tabIndex={-1} className="result-anchor">
        {submit.error ? (
          <ErrorMessage
            error={submit.error}
            unclaimed={hints.unclaimed}
            title={
              submit.error instanceof ApiError && submit.error.code === 'MEETING_REJECTED'
                ? 'This meeting was not scheduled, for these reasons:'
                : undefined
            }
          />
        ) : null}
      </div>

      <form className="form" onSubmit={onSubmit} noValidate>
        <TextField
          label="Subject"
          value={form.subject}
          onChange={(subject) => setForm({ ...form, subject })}
          required
          error={hints.byField['subject']}
        />
        <div className="form-row">
          <SelectField<MeetingType>
            label="Type"
            value={form.type}
            choices={meetingTypes.map((type) => ({ value: type, label: meetingTypeName(type) }))}
            onChange={(type) => setForm({ ...form, type })}
            error={hints.byField['type']}
          />
          <SelectField
            label="Template"
            value={form.template}
            choices={[
              { value: '', label: 'No template' },
              ...catalog.templates.map((t) => ({ value: t.id, label: t.name })),
            ]}
            onChange={(id) => setForm(withCatalogChoice(form, { template: id }))}
            error={hints.byField['template']}
          />
          <SelectField
            label="Sensitivity label"
            value={form.label}
            choices={[
              { value: '', label: 'No label' },
              ...catalog.labels.map((l) => ({ value: l.id, label: l.name })),
            ]}
            onChange={(id) => setForm(withCatalogChoice(form, { label: id }))}
            error={hints.byField['label']}
          />
        </div>

        <fieldset className="field-group" aria-busy={!fresh}>
          <legend>Encryption</legend>
          <div aria-live="polite">
            <E2eeToggle view={toggle} onChange={(on) => setForm({ ...form, e2ee: on })} />
          </div>
          {preview.kind === 'failed' ? (
            <ErrorMessage
              error={preview.error}
              title="Could not check what your organization allows."
            />
          ) : null}
        </fieldset>

        <fieldset className="field-group">
          <legend>Meeting options</legend>
          <p className="field-hint">
            These need the server to see the meeting&apos;s media or content, so none of them can be
            used in an end-to-end encrypted meeting.
          </p>
          {e2eeOn ? (
            <p className="e2ee-lock" id="options-e2ee-note">
              <LockIcon label="" />
              Unavailable: this meeting is end-to-end encrypted
              {e2eeBecause(e2eeOn, names)}.
            </p>
          ) : null}
          <div className="options-grid">
            {options.map((view) => (
              <CheckboxField
                key={view.option}
                label={optionName(view.option)}
                checked={view.checked}
                disabled={view.disabled}
                hint={view.hint ?? undefined}
                quietHint={e2eeOn !== null}
                error={view.problem ?? undefined}
                onChange={(checked) =>
                  setForm({ ...form, options: { ...form.options, [view.option]: checked } })
                }
              />
            ))}
          </div>
        </fieldset>

        <WhenFields
          when={form.when}
          onChange={(when) => setForm({ ...form, when })}
          errors={hints.byField}
        />

        <Invitees form={form} setForm={setForm} />

        {rejectedNow.length > 0 && fresh ? (
          <ReasonList
            className="preview-problems"
            title="As it stands, this meeting would not be scheduled:"
            reasons={rejectedNow}
          />
        ) : null}

        <div className="form-actions">
          <button
            type="submit"
            className="button button-primary"
            disabled={submit.busy || blocked !== null}
            aria-describedby={blocked === null ? undefined : 'schedule-blocked'}
          >
            {submit.busy ? 'Scheduling…' : 'Schedule meeting'}
          </button>
          <Link to="/meetings" className="button button-quiet">
            Cancel
          </Link>
          {blocked === null ? null : (
            <p className="field-hint" id="schedule-blocked">
              {blocked}
            </p>
          )}
        </div>
      </form>
    </>
  );
}

export function ScheduleMeetingPage() {
  const catalog = useCatalog();
  return (
    <Page
      title="Schedule a meeting"
      intro="Your organization's policies, templates and sensitivity labels decide whether this meeting can be, or must be, end-to-end encrypted."
    >
      <Loaded resource={catalog}>{(data) => <ScheduleForm catalog={data} />}</Loaded>
    </Page>
  );
}
