// The schedule form's "When": a start on the wall clock of a time zone, a length, and an optional
// daily or weekly recurrence that ends after a number of times or on a day. The server checks
// every value and its sentence is pinned to the field it is about.
import { useMemo } from 'react';
import type { WhenForm } from '../model/scheduleForm.ts';
import { SelectField, TextField } from './fields.tsx';

/** Every IANA zone the browser knows, and UTC (which `supportedValuesOf` may leave out). */
function knownZones(current: string): string[] {
  const zones = new Set(['UTC', ...Intl.supportedValuesOf('timeZone'), current]);
  return [...zones].sort();
}

export function WhenFields({
  when,
  onChange,
  errors,
}: {
  when: WhenForm;
  onChange: (when: WhenForm) => void;
  /** Messages by request field: start, timeZone, durationMinutes, recurrence. */
  errors: Record<string, string>;
}) {
  const zones = useMemo(() => knownZones(when.timeZone), [when.timeZone]);
  const set = (change: Partial<WhenForm>) => onChange({ ...when, ...change });
  return (
    <fieldset className="field-group">
      <legend>When</legend>
      <div className="form-row">
        <TextField
          label="Starts"
          type="datetime-local"
          value={when.start}
          onChange={(start) => set({ start })}
          hint="On the clock of the time zone beside it."
          error={errors['start']}
        />
        <SelectField
          label="Time zone"
          value={when.timeZone}
          choices={zones.map((zone) => ({ value: zone, label: zone.replaceAll('_', ' ') }))}
          onChange={(timeZone) => set({ timeZone })}
          error={errors['timeZone']}
        />
        <TextField
          label="Duration (minutes)"
          type="number"
          inputMode="numeric"
          min={5}
          value={when.durationMinutes}
          onChange={(durationMinutes) => set({ durationMinutes })}
          error={errors['durationMinutes']}
        />
      </div>
      <div className="form-row">
        <SelectField<WhenForm['repeat']>
          label="Repeats"
          value={when.repeat}
          choices={[
            { value: '', label: 'Does not repeat' },
            { value: 'daily', label: 'Every day' },
            { value: 'weekly', label: 'Every week' },
          ]}
          onChange={(repeat) => set({ repeat })}
          error={when.repeat === '' ? undefined : errors['recurrence']}
        />
        {when.repeat === '' ? null : (
          <>
            <SelectField<WhenForm['ends']>
              label="Ends"
              value={when.ends}
              choices={[
                { value: 'count', label: 'After a number of times' },
                { value: 'until', label: 'On a day' },
              ]}
              onChange={(ends) => set({ ends })}
            />
            {when.ends === 'count' ? (
              <TextField
                label="Times"
                type="number"
                inputMode="numeric"
                min={2}
                value={when.count}
                onChange={(count) => set({ count })}
              />
            ) : (
              <TextField
                label="Last day"
                type="date"
                value={when.until}
                onChange={(until) => set({ until })}
              />
            )}
          </>
        )}
      </div>
    </fieldset>
  );
}
