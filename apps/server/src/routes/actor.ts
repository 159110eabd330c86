// Who the audit log names for a request.
import type { Session } from '../http/route.ts';
import type { AuditActor } from '../storage/records.ts';

export function actorOf(session: Session): AuditActor {
  return { id: session.user.id, displayName: session.user.displayName };
}
