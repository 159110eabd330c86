// The E2EE switch of the scheduling form: free, on and locked (with what locks it), or
// unavailable (with every reason). It shows what governance decided; it decides nothing.
import { useId } from 'react';
import type { E2eeToggleView } from '../model/e2eeToggle.ts';
import { Switch } from './fields.tsx';
import { LockIcon } from './LockIcon.tsx';
import { ReasonList } from './ReasonList.tsx';

interface E2eeToggleProps {
  view: E2eeToggleView;
  onChange: (on: boolean) => void;
}

const label = 'End-to-end encryption';

export function E2eeToggle({ view, onChange }: E2eeToggleProps) {
  const id = useId();
  const explanation = `${id}-explanation`;
  switch (view.kind) {
    case 'checking':
      return (
        <div className="e2ee-toggle" data-state="checking">
          <Switch
            label={label}
            checked={false}
            disabled
            onChange={onChange}
            describedBy={explanation}
          />
          <p className="field-hint" id={explanation} role="status">
            Checking what your organization allows…
          </p>
        </div>
      );
    case 'available':
      return (
        <div className="e2ee-toggle" data-state="available">
          <Switch
            label={label}
            checked={view.checked}
            onChange={onChange}
            describedBy={explanation}
          />
          <p className="field-hint" id={explanation}>
            {view.note ??
              (view.checked
                ? 'Only participants can decrypt audio, video and screen sharing. Recording, transcription, live captions and other server-side features are off.'
                : 'Available for this meeting. Turn it on so that only participants can decrypt the media.')}
          </p>
        </div>
      );
    case 'locked':
      return (
        <div className="e2ee-toggle" data-state="locked">
          <Switch
            label={label}
            checked={view.checked}
            disabled
            onChange={onChange}
            describedBy={explanation}
            adornment={<LockIcon />}
          />
          <p className="e2ee-lock" id={explanation}>
            <LockIcon label="" />
            {view.sentence}
          </p>
        </div>
      );
    case 'unavailable':
      return (
        <div className="e2ee-toggle" data-state="unavailable">
          <Switch
            label={label}
            checked={view.checked}
            // Left operable while still asked for, so the request can be withdrawn.
            disabled={!view.checked}
            onChange={onChange}
            describedBy={explanation}
          />
          <div id={explanation}>
            <ReasonList
              title={
                view.checked
                  ? 'End-to-end encryption is unavailable for this meeting; turn it off to schedule:'
                  : 'End-to-end encryption is unavailable for this meeting:'
              }
              reasons={view.reasons}
            />
          </div>
        </div>
      );
    case 'requiredButUnavailable':
      return (
        <div className="e2ee-toggle" data-state="required-unavailable">
          {/* Not "On": this meeting cannot be encrypted, and it will not be scheduled at all. */}
          <Switch
            label={label}
            checked={false}
            disabled
            onChange={onChange}
            describedBy={explanation}
            adornment={<LockIcon />}
          />
          <div id={explanation}>
            <p className="e2ee-lock e2ee-lock-problem">
              <LockIcon label="" />
              {view.sentence}, but this meeting cannot be end-to-end encrypted, so it cannot be
              scheduled:
            </p>
            <ReasonList reasons={view.reasons} />
          </div>
        </div>
      );
  }
}
