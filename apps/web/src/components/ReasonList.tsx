// The engine's reasons, as sentences a help desk can read out; the code is there for searching.
import type { Reason } from '@conclave/protocol';

const severityWords: Record<Reason['severity'], string> = {
  error: 'Reason',
  warning: 'Warning',
  info: 'Note',
};

interface ReasonListProps {
  reasons: readonly Reason[];
  /** Read out before the list, e.g. "This meeting cannot be scheduled:". */
  title?: string | undefined;
  className?: string | undefined;
}

export function ReasonList({ reasons, title, className }: ReasonListProps) {
  if (reasons.length === 0) return null;
  return (
    <div className={`reasons ${className ?? ''}`}>
      {title ? <p className="reasons-title">{title}</p> : null}
      <ul className="reason-list">
        {reasons.map((reason, index) => (
          <li
            key={`${reason.code}-${reason.option ?? ''}-${index}`}
            className={`reason reason-${reason.severity}`}
          >
            <span className="reason-severity">{severityWords[reason.severity]}</span>
            <span className="reason-message">{reason.message}</span>
            <code className="reason-code">{reason.code}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}
