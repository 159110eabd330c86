// The E2EE shield: the 20-digit security code every member of the current MLS epoch shows. It
// flashes when the code changes (someone joined or left), so people know to compare it again.
// A standard meeting shows a plain notice in its place. A meeting the tenant or its label requires
// to be post-quantum says so: its group runs on the X-Wing hybrid suite (the SDK joins no other).
export function Shield({
  code,
  changes,
  postQuantum = false,
}: {
  code: string | undefined;
  changes: number;
  postQuantum?: boolean;
}) {
  return (
    <div className="room-shield" role="status" aria-live="polite">
      <svg className="room-shield-icon" viewBox="0 0 24 24" aria-hidden="true">
        <path d="M12 2 4 5v6c0 5 3.4 9.4 8 11 4.6-1.6 8-6 8-11V5l-8-3Z" fill="currentColor" />
        <path d="m8.5 12 2.5 2.5 4.5-5" fill="none" stroke="#fff" strokeWidth="2" />
      </svg>
      <span>
        <span className="room-shield-title">
          {postQuantum ? 'End-to-end encrypted, post-quantum' : 'End-to-end encrypted'}
        </span>
        {postQuantum ? (
          <span className="room-shield-hint" data-testid="post-quantum">
            Post-quantum: X-Wing hybrid key exchange (ML-KEM-768 + X25519), AES-256-GCM media
          </span>
        ) : null}
        <span className="room-shield-hint">
          Security code — compare it with the others; it changes when someone joins or leaves
        </span>
        {/* Keyed by the number of changes, so the flash animation restarts on every change. */}
        <span key={changes} className="security-code" aria-label="Security code">
          {code ?? 'waiting for the group…'}
        </span>
      </span>
    </div>
  );
}

/** What a standard meeting shows where an E2EE one shows the shield: plainly, no code to compare. */
export function StandardEncryption({ noun = 'meeting' }: { noun?: 'meeting' | 'call' }) {
  return (
    <div className="room-standard" role="status">
      <span className="room-shield-title">Standard encryption</span>
      <span className="room-shield-hint">
        This {noun} is not end-to-end encrypted: audio, video and chat are encrypted on the way to
        the server, which can read them.
      </span>
    </div>
  );
}
