// What every route group receives: storage, the audit log, the clock and the logger. Built once
// per running server; tests build it with a fake clock.
import type { AuditLog } from './audit/audit-log.ts';
import type { BackoffLimit, RateLimit } from './http/rate-limit.ts';
import type { ScryptCost } from './identity/passwords.ts';
import type { Logger } from './log.ts';
import type { RingTimers } from './calls/ring-timers.ts';
import type { Metrics } from './metrics/metrics.ts';
import type { ExternalSenderVault } from './secrets/at-rest.ts';
import type { Store } from './storage/store.ts';

export interface SignInLimits {
  /** Sign-in attempts per client IP address, in a fixed window. */
  perIp: RateLimit;
  /**
   * Failed sign-ins per email address, per account and per known device, each on its own: free
   * up to `limit`, then a growing delay (identity/sign-in.ts).
   */
  perEmail: BackoffLimit;
}

export const defaultSignInLimits: SignInLimits = {
  perIp: { limit: 100, windowMs: 15 * 60_000 },
  perEmail: { limit: 10, windowMs: 15 * 60_000 },
};

export interface AppContext {
  store: Store;
  audit: AuditLog;
  now: () => number;
  log: Logger;
  signInLimits: SignInLimits;
  sessionTtlMs: number;
  passwordCost: ScryptCost;
  /** Seals the tenants' external-sender keys for the database, and opens them (secrets/). */
  externalSenderVault: ExternalSenderVault;
  /**
   * Origins besides the server's own whose pages may make state-changing requests
   * (CONCLAVE_ALLOWED_ORIGINS; http/origin.ts). Undefined: none.
   */
  allowedOrigins?: readonly string[];
  /** Reverse proxies whose X-Forwarded-* headers are believed (CONCLAVE_TRUSTED_PROXIES). */
  trustedProxies?: readonly string[];
  /** The built browser app to serve at `/` (apps/web/dist); undefined serves the API only. */
  webRoot?: string;
  /** Prometheus counters for /metrics (metrics/); absent in tests that build a bare context. */
  metrics?: Metrics | undefined;
  /**
   * How long calls ring, and the timers that mark them missed (calls/). Absent in tests that build
   * a bare context: calls then ring for the default time and are read as missed after it.
   */
  ringTimers?: RingTimers | undefined;
}
