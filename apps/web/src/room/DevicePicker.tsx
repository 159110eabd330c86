// Choosing the camera, microphone and speaker: in the lobby with a preview of the camera before
// joining, and in the meeting's side panel (the own tile is the preview there).
import { useEffect, useRef, useState } from 'react';
import { SelectField } from '../components/fields.tsx';
import type { DeviceChoice, DeviceKind, DeviceLists } from './devices.ts';

const labels: Record<DeviceKind, string> = {
  camera: 'Camera',
  microphone: 'Microphone',
  speaker: 'Speaker',
};

export function DevicePicker({
  devices,
  choice,
  onChoose,
}: {
  devices: DeviceLists;
  choice: DeviceChoice;
  onChoose: (kind: DeviceKind, id: string) => Promise<void>;
}) {
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <div className="device-picker">
      {(['camera', 'microphone', 'speaker'] as const).map((kind) => {
        const list = devices[kind];
        if (list.length === 0) return null;
        return (
          <SelectField
            key={kind}
            label={labels[kind]}
            value={choice[kind] ?? list[0]?.id ?? ''}
            choices={list.map((device) => ({ value: device.id, label: device.label }))}
            onChange={(id) => {
              setProblem(null);
              onChoose(kind, id).catch((error: unknown) =>
                setProblem(
                  `That ${labels[kind].toLowerCase()} could not be used${error instanceof Error ? `: ${error.message}` : ''}.`,
                ),
              );
            }}
          />
        );
      })}
      {problem === null ? null : (
        <p className="notice notice-warning" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}

/** The lobby's own picture: what the others will see once joined. */
export function CameraPreview({ stream }: { stream: MediaStream | null }) {
  const video = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (video.current) video.current.srcObject = stream;
  }, [stream]);
  if (stream === null) return null;
  return (
    <figure className="room-tile room-tile-own device-preview">
      <video ref={video} autoPlay muted playsInline aria-label="Camera preview" />
      <figcaption>Preview</figcaption>
    </figure>
  );
}
