// Writes the audit log: who did what, to what, when. Entries are built from explicit fields by
// their callers; as a second line of defence any detail whose name suggests a secret is dropped,
// so a password, token or key never lands in the log even by mistake.
import type { AuditActor, AuditQuery, AuditRecord } from '../storage/records.ts';
import type { Store } from '../storage/store.ts';

export interface AuditEvent {
  tenantId: string;
  /** The signed-in user who caused it; null for the system (first run, bootstrap). */
  actor: AuditActor | null;
  /** `policy.created`, `meeting.rejected`, `join.blocked` … */
  kind: string;
  /** What it concerns: `encryption-policy:NoE2EE`, `meeting:<id>`, `user:<id>`. */
  subject: string;
  details?: Record<string, unknown>;
}

export interface AuditLog {
  /** Appends an entry; pass the transaction's store to write it atomically with the change. */
  record(event: AuditEvent, store?: Store): Promise<void>;
  list(tenantId: string, query: AuditQuery): Promise<AuditRecord[]>;
}

const secretName = /pass|token|secret|key|credential|cookie/i;

export function scrubSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrubSecrets);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([name]) => !secretName.test(name))
      .map(([name, inner]) => [name, scrubSecrets(inner)]),
  );
}

export function createAuditLog(store: Store, now: () => number): AuditLog {
  return {
    async record(event, target = store) {
      await target.audit.append(event.tenantId, {
        at: now(),
        actor: event.actor,
        kind: event.kind,
        subject: event.subject,
        details: scrubSecrets(event.details ?? {}) as Record<string, unknown>,
      });
    },
    list: (tenantId, query) => store.audit.list(tenantId, query),
  };
}
