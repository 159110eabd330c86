// The E2EE shield: the 20-digit security code every member of the current MLS epoch shows. It
// flashes when the code changes (someone joined or left), so people know to compare it again.
export function Shield({ code, changes }: { code: string | undefined; changes: number }) {
  return (
    <div className="room-shield" role="status" aria-live="polite">
      <svg className="room-shield-icon" viewBox="0 0 24 24" aria-hidden="true">
        <path d="M12 2 4 5v6c0 5 3.4 9.4 8 11 4.6-1.6 8-6 8-11V5l-8-3Z" fill="currentColor" />
        <path d="m8.5 12 2.5 2.5 4.5-5" fill="none" stroke="#fff" strokeWidth="2" />
      </svg>
      <span>
        <span className="room-shield-title">End-to-end encrypted</span>
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
