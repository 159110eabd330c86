// The control bar: microphone, camera, screen, a raised hand, reactions. Recording (and the other features E2EE rules out) stays focusable and, when
// reached for, says why it is unavailable instead of silently doing nothing.
import { useState } from 'react';
import type { IncompatibleOption } from '@conclave/vocabulary';
import { LockIcon } from '../components/LockIcon.tsx';
import { featureUnavailableSentence } from '../model/e2eeWords.ts';
import { optionName } from '../model/names.ts';
import { REACTIONS, type ReactionName } from '@conclave/client';
import { REACTION_LOOKS } from './reactions.ts';
import type { RoomTarget } from './roomTarget.ts';

function featureAnswer(target: RoomTarget, option: IncompatibleOption): string {
  if (target.kind === 'call') {
    return `${optionName(option)} is not available in a 1:1 call: a call has none of a meeting's services.`;
  }
  const { meeting, names } = target;
  const state = meeting.endToEndEncryption;
  if (state.enabled) return `${featureUnavailableSentence(option, state, names)}.`;
  if (meeting.features[option]?.enabled) {
    return `${optionName(option)} is allowed in this meeting but cannot be started from the browser room yet.`;
  }
  return `${optionName(option)} is off for this meeting. The organizer can turn it on in the meeting options.`;
}

export interface RoomControlsProps {
  target: RoomTarget;
  microphoneOn: boolean;
  cameraOn: boolean;
  sharing: boolean;
  handRaised: boolean;
  onHand: (raised: boolean) => void;
  onReact: (reaction: ReactionName) => void;
  onMicrophone: (on: boolean) => void;
  onCamera: (on: boolean) => void;
  onScreen: () => void;
  onLeave: () => void;
}

export function RoomControls(props: RoomControlsProps) {
  const [asked, setAsked] = useState<IncompatibleOption | null>(null);
  const [reacting, setReacting] = useState(false);
  const { target } = props;
  const recordingUnavailable =
    target.kind === 'call' ||
    target.meeting.endToEndEncryption.enabled ||
    !target.meeting.features.recording?.enabled;
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
          aria-pressed={props.handRaised}
          onClick={() => props.onHand(!props.handRaised)}
        >
          {props.handRaised ? 'Lower hand' : 'Raise hand'}
        </button>
        <button
          type="button"
          className="button"
          aria-expanded={reacting}
          aria-controls="room-reactions"
          onClick={() => setReacting(!reacting)}
        >
          React
        </button>
        <button
          type="button"
          className="button"
          aria-disabled={recordingUnavailable}
          onClick={() => setAsked('recording')}
        >
          <LockIcon label="Unavailable" /> Record
        </button>
        <button type="button" className="button button-danger" onClick={props.onLeave}>
          Leave
        </button>
      </div>
      {reacting ? (
        <div id="room-reactions" className="room-reactions" role="group" aria-label="Reactions">
          {REACTIONS.map((name) => (
            <button
              key={name}
              type="button"
              className="button"
              aria-label={`React with ${REACTION_LOOKS[name].words}`}
              title={REACTION_LOOKS[name].words}
              onClick={() => {
                props.onReact(name);
                setReacting(false);
              }}
            >
              {REACTION_LOOKS[name].emoji}
            </button>
          ))}
        </div>
      ) : null}
      <p className="feature-answer room-feature-answer" role="status" aria-live="polite">
        {asked ? featureAnswer(target, asked) : ''}
      </p>
    </div>
  );
}
