// The authentication service's findings, on screen: who was kept out of the encrypted group and
// why, whose device key changed, whose device is new here. Each stays until dismissed.
import type { RoomAlert } from './alerts.ts';

const titles: Record<RoomAlert['kind'], string> = {
  alarm: 'Security alarm',
  refused: 'Kept out of the encrypted group',
  'key-changed': 'Device key changed',
  'verified-key-changed': 'Verified device key changed',
  'new-device': 'New device',
};

const noticeClass: Record<RoomAlert['kind'], string> = {
  alarm: 'notice-error',
  refused: 'notice-warning',
  'key-changed': 'notice-warning',
  'verified-key-changed': 'notice-error',
  'new-device': 'notice-info',
};

export function RoomAlerts({
  alerts,
  onDismiss,
}: {
  alerts: readonly RoomAlert[];
  onDismiss: (id: number) => void;
}) {
  if (alerts.length === 0) return null;
  return (
    <ul className="room-alerts" role="alert" aria-label="Security notices">
      {alerts.map((alert) => (
        <li
          key={alert.id}
          className={`room-alert notice ${noticeClass[alert.kind]}`}
          data-kind={alert.kind}
        >
          <p className="notice-title">{titles[alert.kind]}</p>
          <p className="room-alert-text">{alert.text}</p>
          {alert.fingerprint ? (
            <p>
              Fingerprint: <code className="fingerprint">{alert.fingerprint}</code>
            </p>
          ) : null}
          <button
            type="button"
            className="button"
            aria-label={`Dismiss: ${titles[alert.kind]} (${alert.who})`}
            onClick={() => onDismiss(alert.id)}
          >
            Dismiss
          </button>
        </li>
      ))}
    </ul>
  );
}
