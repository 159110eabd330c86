// How the admin route factories audit a change, the same way for every object they keep: the kind
// `<name>.<verb>`, by the signed-in admin, about `<name>:<id>`, inside the change's transaction so
// the entry and the change are stored together or not at all.
import type { AuditLog } from '../../audit/audit-log.ts';
import { actorOf } from '../../audit/actor.ts';
import type { Session } from '../../http/route.ts';
import type { Store } from '../../storage/store.ts';

export type RecordChange = (
  session: Session,
  tx: Store,
  verb: 'created' | 'changed' | 'deleted',
  id: string,
  details: Record<string, unknown>,
) => Promise<void>;

/** `name`: `encryption-policy`, `label`, `compliance-recording-assignment` … */
export function changeRecorder(audit: AuditLog, name: string): RecordChange {
  return (session, tx, verb, id, details) =>
    audit.record(
      {
        tenantId: session.tenantId,
        actor: actorOf(session.user),
        kind: `${name}.${verb}`,
        subject: `${name}:${id}`,
        details,
      },
      tx,
    );
}
