// The meeting room: lobby (join with camera and microphone; waiting for the organizer to start
// the meeting), then the stage, the controls, the E2EE shield with the security code, the
// participant list from the MLS group, and chat. A refused join shows the server's reasons.
import type { MediaState, RosterMember } from '@conclave/client';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { Link } from '../app/router.tsx';
import { hrefOf } from '../app/routes.ts';
import { ReconnectingBanner } from './ReconnectingBanner.tsx';
import { RoomAlerts } from './RoomAlerts.tsx';
import { hasE2eeMedia } from './capabilities.ts';
import { ChatPanel } from './ChatPanel.tsx';
import { ParticipantList } from './ParticipantList.tsx';
import { RoomControls } from './RoomControls.tsx';
import { RoomStats } from './RoomStats.tsx';
import type { RoomSession } from './roomSession.ts';
import { backTo, plannedE2ee, type RoomTarget } from './roomTarget.ts';
import { Shield, StandardEncryption } from './Shield.tsx';
import { Tiles } from './Tiles.tsx';
import { CameraPreview, DevicePicker } from './DevicePicker.tsx';
import { WaitingToEnter } from './WaitingToEnter.tsx';
import { KeyChangeWarning } from './KeyChangeWarning.tsx';
import { VerifyDialog } from './VerifyDialog.tsx';
import { WaitingList } from '../components/WaitingList.tsx';
import { useSession } from '../app/session.tsx';
import './room.css';

/** Who has a hand raised: participant ids, and `self` for this participant. */
function handsOf(media: ReadonlyMap<string, MediaState>, own: boolean): ReadonlySet<string> {
  const hands = new Set<string>();
  for (const [participantId, state] of media) if (state.hand === true) hands.add(participantId);
  if (own) hands.add('self');
  return hands;
}

/** Decoded-frame and SDK frame counters live outside React: a slow tick keeps their display current. */
function useTick(ms: number): void {
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((t) => t + 1), ms);
    return () => clearInterval(timer);
  }, [ms]);
}

export function RoomView({ session, target }: { session: RoomSession; target: RoomTarget }) {
  const room = useSyncExternalStore(session.subscribe, session.snapshot);
  useTick(1000);
  const e2ee = room.e2ee ?? plannedE2ee(target);
  const noun = target.kind;
  const { route, label } = backTo(target);
  const back = <Link to={hrefOf(route)}>{label}</Link>;
  const { phase } = room;
  const { user } = useSession();
  const mayDecide = (organizerId: string) => user.id === organizerId || user.role === 'admin';
  /** The device being verified (user and device id): its roster entry follows the roster. */
  const [verifying, setVerifying] = useState<string | null>(null);
  // The lobby shows the chosen camera before anyone joins, to check it (and pick another).
  useEffect(() => {
    if (phase.kind === 'lobby') void session.preview();
  }, [session, phase.kind]);

  if (phase.kind === 'lobby' || phase.kind === 'joining' || phase.kind === 'failed') {
    const unsupported = e2ee && !hasE2eeMedia();
    return (
      <div className="room-lobby">
        <p>
          {e2ee
            ? `This ${noun} is end-to-end encrypted: audio, video and chat are encrypted in this browser with keys the server never has.`
            : `This is a standard ${noun}: media is encrypted on the way to the server, which could read it.`}
        </p>
        {unsupported ? (
          <p className="notice notice-warning">
            This browser cannot take part in end-to-end encrypted media (it lacks WebCodecs or
            WebCrypto). The server will refuse the join.
          </p>
        ) : null}
        <CameraPreview stream={room.local} />
        <DevicePicker
          devices={room.devices}
          choice={room.deviceChoice}
          onChoose={(kind, id) => session.chooseDevice(kind, id)}
        />
        {phase.kind === 'failed' ? (
          <p className="error-box" role="alert">
            {phase.message}
          </p>
        ) : null}
        <div className="button-row">
          <button
            type="button"
            className="button button-primary"
            disabled={phase.kind === 'joining'}
            onClick={() => void session.join()}
          >
            {phase.kind === 'joining' ? 'Joining…' : 'Join with camera and microphone'}
          </button>
        </div>
        <p>{back}</p>
      </div>
    );
  }

  if (phase.kind === 'waiting')
    return <WaitingToEnter target={target} reasons={phase.reasons} back={back} />;

  if (phase.kind === 'blocked') {
    return (
      <>
        <div className="room-lobby error-box" role="alert">
          <h2>You cannot join this {noun}</h2>
          <ul className="room-blocked-reasons">
            {phase.reasons.map((reason) => (
              <li key={reason.code} data-code={reason.code}>
                {reason.message}
              </li>
            ))}
          </ul>
          <p>{back}</p>
        </div>
        {/* Shown here too: nothing was sent or went through the SFrame worker. */}
        <RoomStats stats={session.frameStats()} />
      </>
    );
  }

  if (phase.kind === 'ended') {
    return (
      <div className="room-lobby">
        <p role="status">{phase.message}</p>
        <p>{back}</p>
      </div>
    );
  }

  const deviceOf = (m: RosterMember) => `${m.userId ?? ''}/${m.deviceId ?? ''}`;
  const verified = room.roster.find((m) => !m.self && deviceOf(m) === verifying);
  const client = session.client;
  const warning = room.alerts.find((a) => a.kind === 'verified-key-changed');
  return (
    <div className="room">
      {verified && client && room.ownFingerprint ? (
        <VerifyDialog
          member={verified}
          client={client}
          ownFingerprint={room.ownFingerprint}
          onClose={() => setVerifying(null)}
        />
      ) : null}
      {warning ? (
        <KeyChangeWarning
          key={warning.id}
          alert={warning}
          onAcknowledge={() => session.dismissAlert(warning.id)}
        />
      ) : null}
      <div className="room-main">
        {e2ee ? (
          <Shield
            code={room.securityCode}
            changes={room.codeChanges}
            postQuantum={
              target.kind === 'meeting' &&
              target.meeting.endToEndEncryption.postQuantum !== undefined
            }
          />
        ) : (
          <StandardEncryption noun={noun} />
        )}
        <ReconnectingBanner connection={room.connection} noun={noun} />
        <RoomAlerts
          alerts={room.alerts.filter((a) => a.kind !== 'verified-key-changed')}
          onDismiss={(id) => session.dismissAlert(id)}
        />
        <Tiles
          streams={room.streams}
          roster={room.roster}
          media={room.media}
          receiver={session.receiver}
          local={room.local}
          cameraOn={room.cameraOn}
          handRaised={room.handRaised}
          reactions={room.reactions}
          speaker={room.speaker}
        />
        {room.notice ? <p className="notice notice-warning">{room.notice}</p> : null}
        {room.unheard.length > 0 ? (
          <p className="notice notice-warning" role="status">
            {`Not receiving ${room.unheard.join(', ')}: this browser cannot match their media to them, so it is not played. It should clear by itself; if it does not, ask them to rejoin.`}
          </p>
        ) : null}
        <RoomControls
          target={target}
          microphoneOn={room.microphoneOn}
          cameraOn={room.cameraOn}
          sharing={room.sharing}
          handRaised={room.handRaised}
          onHand={(raised) => session.setHand(raised)}
          onReact={(reaction) => void session.react(reaction).catch(() => undefined)}
          onMicrophone={(on) => session.setMicrophone(on)}
          onCamera={(on) => session.setCamera(on)}
          onScreen={() => void session.toggleScreen()}
          onLeave={() => void session.leave()}
        />
      </div>
      <aside className="room-side">
        <ParticipantList
          roster={room.roster}
          e2ee={e2ee}
          hands={handsOf(room.media, room.handRaised)}
          onVerify={e2ee ? (member) => setVerifying(deviceOf(member)) : undefined}
          removal={
            target.kind === 'meeting'
              ? {
                  organizerId: target.meeting.organizer,
                  remove: (participantId) => session.removeParticipant(participantId),
                }
              : undefined
          }
        />
        {target.kind === 'meeting' && mayDecide(target.meeting.organizer) ? (
          <WaitingList
            meetingId={target.meeting.id}
            e2ee={target.meeting.endToEndEncryption.enabled}
            inRoom
          />
        ) : null}
        <ChatPanel lines={room.chat} e2ee={e2ee} onSend={(text) => session.sendChat(text)} />
        <details className="room-panel room-devices">
          <summary>Devices</summary>
          <DevicePicker
            devices={room.devices}
            choice={room.deviceChoice}
            onChoose={(kind, id) => session.chooseDevice(kind, id)}
          />
        </details>
        <RoomStats stats={session.frameStats()} />
      </aside>
    </div>
  );
}
