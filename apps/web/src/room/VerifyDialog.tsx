// Verifying another participant's device: this device's fingerprint and theirs side by side, in
// groups to read aloud, and a QR code of this device's verification code for them to scan — or
// this browser's camera scans theirs. A match marks the device verified in this browser (the
// SDK's store, IndexedDB); every later roster here shows it until the device's key changes.
import {
  fingerprintLines,
  type CodeCheck,
  type ConclaveClient,
  type RosterMember,
} from '@conclave/client';
import { useEffect, useRef, useState } from 'react';
import { drawQrCode, scanVideo } from './qrCode.ts';

export function VerifyDialog({
  member,
  client,
  ownFingerprint,
  onClose,
}: {
  member: RosterMember;
  client: ConclaveClient;
  ownFingerprint: string;
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const code = useRef<HTMLCanvasElement>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [scanning, setScanning] = useState(false);
  const name = member.label;
  const device = { userId: member.userId ?? '', deviceId: member.deviceId ?? '' };
  useEffect(() => {
    const element = dialog.current;
    if (element !== null && !element.open) element.showModal();
    return () => element?.close();
  }, []);
  useEffect(() => {
    const canvas = code.current;
    if (canvas === null) return;
    void client
      .verificationCode(device)
      .then((text) => drawQrCode(canvas, text))
      .catch(() => setStatus('The QR code could not be drawn; compare the fingerprints instead.'));
    // The code depends on the device only, not on the object holding its ids.
  }, [client, device.userId, device.deviceId]);

  async function markVerified(): Promise<void> {
    try {
      await client.verifyDevice(device, member.fingerprint ?? '');
      setStatus(`${name}'s device is verified in this browser.`);
    } catch {
      setStatus(`${name}'s device was not marked: its key is not the one this browser saw.`);
    }
  }

  async function unverify(): Promise<void> {
    await client.unverifyDevice(device).catch(() => false);
    setStatus(`${name}'s device is no longer marked verified.`);
  }

  return (
    <dialog
      ref={dialog}
      className="verify-dialog"
      aria-labelledby="verify-title"
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <h2 id="verify-title">Verify {name}&rsquo;s device</h2>
      <p>
        Read both fingerprints aloud with {name} (in person or on a call you trust), or compare them
        side by side. If both match what {name} sees, mark the device verified. The mark is kept in
        this browser only.
      </p>
      <div className="verify-fingerprints">
        <Fingerprint title="This device (you)" fingerprint={ownFingerprint} />
        <Fingerprint title={`${name}'s device`} fingerprint={member.fingerprint ?? ''} />
      </div>
      <p className="verify-state" data-verified={member.verified}>
        {member.verified ? (
          <span className="badge badge-verified">Verified</span>
        ) : (
          'Not verified yet.'
        )}
      </p>
      <div className="button-row">
        {member.verified ? (
          <button type="button" className="button" onClick={() => void unverify()}>
            Remove verification
          </button>
        ) : (
          <button
            type="button"
            className="button button-primary"
            onClick={() => void markVerified()}
          >
            They match — mark verified
          </button>
        )}
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
      </div>
      <h3>Or scan QR codes</h3>
      <div className="verify-codes">
        <figure>
          <canvas ref={code} aria-label={`QR code of this device's key, for ${name} to scan`} />
          <figcaption>For {name} to scan</figcaption>
        </figure>
        {scanning ? (
          <Scanner
            name={name}
            onCode={(text) => {
              setScanning(false);
              void client
                .checkVerificationCode(device, text)
                .then((check) => setStatus(scanWords(check, name)));
            }}
            onProblem={(problem) => {
              setScanning(false);
              setStatus(problem);
            }}
          />
        ) : (
          <button
            type="button"
            className="button"
            onClick={() => {
              setStatus(null);
              setScanning(true);
            }}
          >
            Scan {name}&rsquo;s code
          </button>
        )}
      </div>
      {status ? (
        <p className="verify-status" role="status">
          {status}
        </p>
      ) : null}
    </dialog>
  );
}

function Fingerprint({ title, fingerprint }: { title: string; fingerprint: string }) {
  let lines: string[];
  try {
    lines = fingerprintLines(fingerprint);
  } catch {
    lines = [fingerprint];
  }
  return (
    <section className="verify-fingerprint" aria-label={`Fingerprint: ${title}`}>
      <h3>{title}</h3>
      <code className="fingerprint">
        {lines.map((line) => (
          <span key={line} className="fingerprint-line">
            {line}
          </span>
        ))}
      </code>
    </section>
  );
}

/** The camera's picture while it looks for a QR code. */
function Scanner({
  name,
  onCode,
  onProblem,
}: {
  name: string;
  onCode: (text: string) => void;
  onProblem: (sentence: string) => void;
}) {
  const video = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    let stream: MediaStream | undefined;
    let stop = () => {};
    let gone = false;
    navigator.mediaDevices
      .getUserMedia({ video: true, audio: false })
      .then(async (s) => {
        stream = s;
        const element = video.current;
        if (gone || element === null) return;
        element.srcObject = s;
        await element.play();
        stop = scanVideo(element, onCode);
      })
      .catch(() => onProblem('The camera could not be used to scan; compare the fingerprints.'));
    return () => {
      gone = true;
      stop();
      for (const track of stream?.getTracks() ?? []) track.stop();
    };
    // Started once per scan.
  }, []);
  return (
    <figure>
      <video ref={video} className="verify-camera" muted playsInline />
      <figcaption>Hold {name}&rsquo;s QR code up to the camera</figcaption>
    </figure>
  );
}

export function scanWords(check: CodeCheck, name: string): string {
  switch (check.kind) {
    case 'verified':
      return `The code matches: ${name}'s device is verified in this browser.`;
    case 'other-device':
      return `That code does not match: it is of another device, not ${name}'s.`;
    case 'their-key-differs':
      return `That code does not match: it carries another key than the one this browser sees for ${name}'s device. Do not trust it.`;
    case 'your-key-differs':
      return `That code does not match: ${name}'s device sees another key for this device. Do not trust it.`;
    case 'not-a-code':
      return 'That is not a Conclave verification code.';
  }
}
