// The tenant's E2EE settings: the participant cap and which clients may join E2EE meetings.
import { useState, type FormEvent } from 'react';
import { alwaysBlockedPlatforms } from '@conclave/policy';
import { platforms } from '@conclave/vocabulary';
import type { Platform } from '@conclave/vocabulary';
import { tenant } from '../../api/admin.ts';
import { ApiError } from '../../api/http.ts';
import type { Tenant } from '../../api/types.ts';
import { useAction, useResource } from '../../app/hooks.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { CheckboxField, TextField } from '../../components/fields.tsx';
import { Notice } from '../../components/Notice.tsx';
import { Loaded, Page } from '../../components/Page.tsx';
import { fieldHints } from '../../model/fieldErrors.ts';
import { platformShortNames } from '../../model/names.ts';

const semver = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

function TenantForm({ current, onSaved }: { current: Tenant; onSaved: (tenant: Tenant) => void }) {
  const [name, setName] = useState(current.name);
  const [cap, setCap] = useState(String(current.e2ee.maxParticipants));
  const [postQuantum, setPostQuantum] = useState(current.e2ee.postQuantum === true);
  const [blocked, setBlocked] = useState<Platform[]>(current.e2ee.clients.blocked);
  const [minVersion, setMinVersion] = useState<Partial<Record<Platform, string>>>(
    current.e2ee.clients.minVersion,
  );
  const save = useAction();
  const fields = [
    'name',
    'e2ee.maxParticipants',
    'e2ee.clients.blocked',
    ...platforms.map((p) => `e2ee.clients.minVersion.${p}`),
  ];
  const hints = fieldHints(save.error instanceof ApiError ? save.error.fields : [], fields);
  // Checked here too, so a typo is pointed at before the round trip.
  const localVersionErrors = Object.fromEntries(
    platforms.flatMap((p) => {
      const value = minVersion[p]?.trim() ?? '';
      return value !== '' && !semver.test(value) ? [[p, 'Use a version like 1.4.0.']] : [];
    }),
  ) as Partial<Record<Platform, string>>;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const versions: Partial<Record<Platform, string>> = {};
    for (const p of platforms) {
      const value = minVersion[p]?.trim();
      if (value) versions[p] = value;
    }
    void save.run(async () => {
      onSaved(
        await tenant.update({
          name: name.trim(),
          e2ee: {
            maxParticipants: Number(cap),
            postQuantum,
            clients: { blocked, minVersion: versions },
          },
        }),
      );
      return 'Saved the tenant settings.';
    });
  };

  const toggleBlocked = (platform: Platform, on: boolean) =>
    setBlocked(on ? [...blocked, platform] : blocked.filter((p) => p !== platform));

  return (
    <form className="form" onSubmit={submit} noValidate>
      <TextField
        label="Organization name"
        value={name}
        onChange={setName}
        error={hints.byField['name']}
      />
      <TextField
        label="Most participants in an end-to-end encrypted meeting"
        type="number"
        inputMode="numeric"
        min={2}
        value={cap}
        onChange={setCap}
        error={hints.byField['e2ee.maxParticipants']}
      />
      <CheckboxField
        label="Require post-quantum end-to-end encryption"
        checked={postQuantum}
        hint="Every end-to-end encrypted meeting uses the X-Wing hybrid suite with AES-256-GCM media. Apps that cannot are blocked with the reason, never given weaker encryption."
        onChange={setPostQuantum}
      />
      <fieldset className="field-group">
        <legend>Clients blocked from end-to-end encrypted meetings</legend>
        <p className="field-hint">
          Dial-in by phone, virtual desktops and third-party room systems cannot hold the keys, so
          they are always blocked.
        </p>
        {hints.byField['e2ee.clients.blocked'] ? (
          <p className="field-error">{hints.byField['e2ee.clients.blocked']}</p>
        ) : null}
        <div className="options-grid">
          {platforms.map((platform) => {
            const always = alwaysBlockedPlatforms.includes(platform);
            return (
              <CheckboxField
                key={platform}
                label={platformShortNames[platform]}
                checked={always || blocked.includes(platform)}
                disabled={always}
                hint={always ? 'Always blocked.' : undefined}
                onChange={(on) => toggleBlocked(platform, on)}
              />
            );
          })}
        </div>
      </fieldset>
      <fieldset className="field-group">
        <legend>Minimum client versions</legend>
        <p className="field-hint">Leave empty for no minimum.</p>
        <div className="options-grid">
          {platforms
            .filter((platform) => !alwaysBlockedPlatforms.includes(platform))
            .map((platform) => (
              <TextField
                key={platform}
                label={platformShortNames[platform]}
                value={minVersion[platform] ?? ''}
                placeholder="e.g. 1.4.0"
                onChange={(value) => setMinVersion({ ...minVersion, [platform]: value })}
                error={
                  localVersionErrors[platform] ??
                  hints.byField[`e2ee.clients.minVersion.${platform}`]
                }
              />
            ))}
        </div>
      </fieldset>
      <ErrorMessage error={save.error} unclaimed={hints.unclaimed} />
      {save.done ? <Notice>{save.done}</Notice> : null}
      <button
        type="submit"
        className="button button-primary"
        disabled={save.busy || Object.keys(localVersionErrors).length > 0}
      >
        Save settings
      </button>
    </form>
  );
}

export function TenantPage() {
  const current = useResource(tenant.get, []);
  return (
    <Page
      title="Tenant E2EE settings"
      intro="Limits that apply to every end-to-end encrypted meeting in your organization."
    >
      <Loaded resource={current}>
        {(data) => <TenantForm current={data} onSaved={() => current.reload()} />}
      </Loaded>
    </Page>
  );
}
