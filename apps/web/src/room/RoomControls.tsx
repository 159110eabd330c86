// The control bar. Recording (and the other features E2EE rules out) stays focusable and, when
// reached for, says why it is unavailable instead of silently doing nothing.
import { useState } from 'react';
import type { IncompatibleOption } from '@conclave/policy';
import type { Meeting } from '../api/types.ts';
import { LockIcon } from '../components/LockIcon.tsx';
import { featureUnavailableSentence, type MeetingNames } from '../model/e2eeWords.ts';
import { optionName } from '../model/names.ts';

function featureAnswer(meeting: Meeting, option: IncompatibleOption, names: MeetingNames): string {
  const state = meeting.endToEndEncryption;
  if (state.enabled) return `${featureUnavailableSentence(option, state, names)}.`;
  if (meeting.features[option]?.enabled) {
    return `${optionName(option)} is allowed in this meeting but cannot be started from the browser room yet.`;
  }
  return `${optionName(option)} is off for this meeting. The organizer can turn it on in the meeting options.`;
}

export interface RoomControlsProps {
  meeting: Meeting;
  names: MeetingNames;
  microphoneOn: boolean;
  cameraOn: boolean;
  sharing: boolean;
  onMicrophone: (on: boolean) => void;
  onCamera: (on: boolean) => void;
  onScreen: () => void;
  onLeave: () => void;
}

export function RoomControls(props: RoomControlsProps) {
  const [asked, setAsked] = useState<IncompatibleOption | null>(null);
  const { meeting, names } = props;
  return (
    <div className="room-controls-wrap">
      <div className="room-controls" role="toolbar" aria-label="Meeting controls">
        <button
          type="button"
          className="button"
          aria-pressed={!props.microphoneOn}
          onClick={() => props.onMicrophone(!props.microphoneOn)}
        >
          {props.microphoneOn ? 'Mute' : 'Unmute'}
        </button>
        <button
          type="button"
          className="button"
          aria-pressed={!props.cameraOn}
          onClick={() => props.onCamera(!props.cameraOn)}
        >
          {props.cameraOn ? 'Stop camera' : 'Start camera'}
        </button>
        <button
          type="button"
          className="button"
          aria-pressed={props.sharing}
          onClick={props.onScreen}
        >
          {props.sharing ? 'Stop sharing' : 'Share screen'}
        </button>
        <button
          type="button"
          className="button"
          aria-disabled={meeting.endToEndEncryption.enabled || !meeting.features.recording?.enabled}
          onClick={() => setAsked('recording')}
        >
          <LockIcon label="Unavailable" /> Record
        </button>
        <button type="button" className="button button-danger" onClick={props.onLeave}>
          Leave
        </button>
      </div>
      <p className="feature-answer room-feature-answer" role="status" aria-live="polite">
        {asked ? featureAnswer(meeting, asked, names) : ''}
      </p>
    </div>
  );
}
