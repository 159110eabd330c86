// Who the audit log names: a user, whatever brought them (an HTTP session, a realtime socket).
import type { AuditActor } from '../storage/records.ts';

export function actorOf(user: { readonly id: string; readonly displayName: string }): AuditActor {
  return { id: user.id, displayName: user.displayName };
}
