// Starting and stopping the server: open storage and migrate, report the first admin on the run
// that creates it (or seed the demo organization), then serve HTTP. `close()` is idempotent and
// closes the HTTP server before the database.
import { createAuditLog } from './audit/audit-log.ts';
import type { AuditLog } from './audit/audit-log.ts';
import { resolveLocation } from './config.ts';
import { defaultSignInLimits } from './context.ts';
import type { AppContext, SignInLimits } from './context.ts';
import { buildApp } from './http/app.ts';
import { parseAllowedOrigins } from './http/origin.ts';
import { parseTrustedProxies } from './http/trusted-proxies.ts';
import { defaultWebRoot } from './http/web-app.ts';
import { seedDemo } from './identity/demo.ts';
import { knownDeviceTtlMs } from './identity/sign-in.ts';
import type { DemoSignIn } from './identity/demo.ts';
import { defaultAdminEmail, ensureAdmin } from './identity/first-run.ts';
import type { Credentials } from './identity/first-run.ts';
import { requireStrongPassword } from './identity/password-rule.ts';
import { defaultCost } from './identity/passwords.ts';
import type { ScryptCost } from './identity/passwords.ts';
import { createLogger, defaultLogFormat, stderrSink } from './log.ts';
import type { LogFormat } from './log.ts';
import { allRoutes } from './routes/index.ts';
import { DEFAULT_RING_MS } from './calls/call-life.ts';
import { RingTimers } from './calls/ring-timers.ts';
import { openStore } from './storage/open.ts';
import { prepareSecretsAtRest, rotateSecrets } from './secrets/at-rest.ts';
import type { RotatedSecretKey } from './secrets/at-rest.ts';
import { registerRealtime } from './realtime/index.ts';
import type { RealtimeOptions } from './realtime/index.ts';
import type { Store } from './storage/store.ts';
import { ServerError } from './errors.ts';
import type { Server as HttpsServer } from 'node:https';
import { certificateFilesFromEnv, readCertificate } from './tls/certificate.ts';
import type { CertificateFiles } from './tls/certificate.ts';
import { reloadCertificates } from './tls/reloader.ts';
import type { ReloadOutcome } from './tls/reloader.ts';
import { selfSignedCertificate } from './tls/self-signed.ts';
import { startMetrics } from './metrics/start.ts';
import { resolveClusterSettings, type ClusterOptions } from './cluster/index.ts';
import type { MetricsExposure } from './metrics/endpoint.ts';

export interface StartServerOptions {
  /** Default: $PORT, else 8080; 0 picks a free port. */
  port?: number;
  /** Default: $HOST, else 127.0.0.1. */
  host?: string;
  /** Where the SQLite database lives. Default: $CONCLAVE_DATA_DIR, else ./.data */
  dataDir?: string;
  /** postgres://… to use PostgreSQL instead of SQLite. Default: $CONCLAVE_DATABASE_URL. */
  databaseUrl?: string;
  /** On an empty database, seed a demo organization instead of an empty one. */
  demo?: boolean;
  /** Where log lines go (never bodies, tokens, passwords, keys or identities). Default: stderr. */
  log?: (line: string) => void;
  /** Default: $CONCLAVE_LOG_FORMAT (json | text), else text in a terminal and JSON otherwise. */
  logFormat?: LogFormat;
  /** The clock; tests pass a fake one. */
  now?: () => number;
  /** scrypt cost for new password hashes; tests may lower it. */
  passwordCost?: ScryptCost;
  signInLimits?: SignInLimits;
  /** How long a session lasts. Default: 12 hours. */
  sessionTtlMs?: number;
  /** The built web app to serve at `/`. Default: apps/web/dist when built; false: API only. */
  webRoot?: string | false;
  /**
   * Origins besides the server's own whose pages may change things (https://app.example.com).
   * Default: $CONCLAVE_ALLOWED_ORIGINS (comma-separated), else none.
   */
  allowedOrigins?: string[];
  /**
   * The secret key that seals the external-sender keys in the database (base64 of 32 bytes).
   * Default: $CONCLAVE_SECRET_KEY, else the key file `secret.key` in the data folder (created 0600
   * on the first start).
   */
  secretKey?: string;
  /** Realtime (signaling, MLS delivery) timers and limits; tests shorten them. */
  realtime?: RealtimeOptions;
  /** How long a 1:1 call rings before it is missed (ms; 45 s). Tests shorten it. */
  callRingMs?: number;
  /**
   * Reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed: IP addresses or CIDR
   * ranges. Default: $CONCLAVE_TRUSTED_PROXIES (comma-separated), else none.
   */
  trustedProxies?: readonly string[];
  /**
   * Serve HTTPS and WSS: PEM files (reloaded on change or SIGHUP), or 'self-signed' for a LAN
   * trial (a certificate for this machine's names, kept in the data folder). Default:
   * $CONCLAVE_TLS_CERT and $CONCLAVE_TLS_KEY, else plain HTTP.
   */
  tls?: CertificateFiles | 'self-signed';
  /**
   * Prometheus metrics: a bearer token for `GET /metrics`, and/or a port of their own (loopback by
   * default). Default: $CONCLAVE_METRICS_TOKEN, $CONCLAVE_METRICS_PORT, $CONCLAVE_METRICS_HOST;
   * neither set: no metrics.
   */
  metrics?: MetricsExposure;
  /**
   * Run as one node of a cluster (NATS + PostgreSQL; docs/deploy.md). Default: $CONCLAVE_NATS_URL
   * and $CONCLAVE_NODE_ID; without a NATS URL the server runs alone.
   */
  cluster?: ClusterOptions;
}

export interface RunningTls {
  /** SHA-256 of the certificate served now, colon-separated hex, as browsers show it. */
  fingerprint256(): string;
  selfSigned: boolean;
  certFile: string;
  /** Reads the files again now (what SIGHUP does). */
  reload(): ReloadOutcome;
}

export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:8080 */
  url: string;
  close(): Promise<void>;
  /** Present only on the run that created the first admin: show it once. */
  firstAdmin?: Credentials;
  /** Present only on the run that seeded the demo organization. */
  demoSignIns?: DemoSignIn[];
  /** Present when serving HTTPS. */
  tls?: RunningTls;
  /** The separate metrics listener's URL, when CONCLAVE_METRICS_PORT (or `metrics.port`) is set. */
  metricsUrl?: string;
}

const defaultSessionTtlMs = 12 * 60 * 60 * 1000;
const sessionSweepMs = 60 * 60 * 1000;

async function firstRun(
  store: Store,
  audit: AuditLog,
  options: StartServerOptions,
  deps: { now: () => number; cost: ScryptCost },
): Promise<Pick<RunningServer, 'firstAdmin' | 'demoSignIns'>> {
  if ((await store.tenants.count()) > 0) return {};
  if (options.demo === true) {
    const { signIns } = await seedDemo({ store, audit, ...deps });
    const admin = signIns[0];
    return {
      demoSignIns: signIns,
      ...(admin === undefined
        ? {}
        : { firstAdmin: { email: admin.email, password: admin.password } }),
    };
  }
  return { firstAdmin: await ensureAdmin({ store, audit, ...deps }, { email: defaultAdminEmail }) };
}

export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const location = resolveLocation(options);
  const cluster = resolveClusterSettings(options.cluster, location.databaseUrl);
  const allowedOrigins =
    options.allowedOrigins ?? parseAllowedOrigins(process.env.CONCLAVE_ALLOWED_ORIGINS);
  const trustedProxies = parseTrustedProxies(
    options.trustedProxies ?? process.env.CONCLAVE_TRUSTED_PROXIES,
  );
  const now = options.now ?? Date.now;
  const log = createLogger(options.log ?? stderrSink, now, options.logFormat ?? defaultLogFormat());
  const cost = options.passwordCost ?? defaultCost;
  const tlsSetting = options.tls ?? certificateFilesFromEnv(process.env);
  const tlsFiles =
    tlsSetting === 'self-signed'
      ? await selfSignedCertificate(location.dataDir, now())
      : tlsSetting;
  const certificate = tlsFiles === undefined ? undefined : readCertificate(tlsFiles, now());
  const store = await openStore(location, now);
  try {
    const externalSenderVault = await prepareSecretsAtRest(
      store,
      { dataDir: location.dataDir, secretKey: options.secretKey },
      log,
    );
    const metrics = startMetrics(store, options.metrics);
    const audit = createAuditLog(metrics.store, now);
    const reported = await firstRun(store, audit, options, { now, cost });
    if (options.demo === true && reported.demoSignIns === undefined) {
      log.info('demo not seeded: the database already holds an organization');
    }
    const ringTimers = new RingTimers(options.callRingMs ?? DEFAULT_RING_MS);
    const ctx: AppContext = {
      store: metrics.store,
      metrics: metrics.metrics,
      audit,
      now,
      log,
      signInLimits: options.signInLimits ?? defaultSignInLimits,
      sessionTtlMs: options.sessionTtlMs ?? defaultSessionTtlMs,
      passwordCost: cost,
      externalSenderVault,
      allowedOrigins,
      trustedProxies,
      ...(options.webRoot === false ? {} : { webRoot: options.webRoot ?? defaultWebRoot }),
      ringTimers,
    };
    const app = await buildApp(ctx, allRoutes(ctx), certificate);
    await registerRealtime(app, ctx, options.realtime, cluster);
    const metricsListener = await metrics.expose(app);
    await app.listen({ port: location.port, host: location.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : location.port;
    const url = `${certificate === undefined ? 'http' : 'https'}://${urlHost(location.host)}:${port}`;
    const reloader =
      tlsFiles === undefined || certificate === undefined
        ? undefined
        : reloadCertificates(app.server as unknown as HttpsServer, tlsFiles, certificate, {
            log,
            now,
          });
    log.info('listening', {
      url,
      database: store.dialect,
      ...(cluster === undefined ? {} : { node: cluster.nodeId }),
    });

    const sweep = setInterval(() => {
      store.sessions.deleteExpired(now()).catch(() => log.error('session sweep failed'));
      store.knownDevices
        .deleteUnusedSince(now() - knownDeviceTtlMs)
        .catch(() => log.error('known-device sweep failed'));
    }, sessionSweepMs);
    sweep.unref();

    let closing: Promise<void> | undefined;
    return {
      url,
      ...reported,
      ...(metricsListener === undefined ? {} : { metricsUrl: metricsListener.url }),
      ...(reloader === undefined || tlsFiles === undefined
        ? {}
        : {
            tls: {
              fingerprint256: () => reloader.current().fingerprint256,
              selfSigned: tlsSetting === 'self-signed',
              certFile: tlsFiles.certFile,
              reload: () => reloader.reload(),
            },
          }),
      close() {
        closing ??= (async () => {
          clearInterval(sweep);
          ringTimers.close();
          reloader?.close();
          await metricsListener?.close();
          await app.close();
          await store.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

export interface BootstrapAdminOptions {
  dataDir?: string;
  databaseUrl?: string;
  email: string;
  /** Omitted: one is generated. */
  password?: string;
  /** The organization's name: created if no organization has it. Default: the first organization. */
  tenant?: string;
  passwordCost?: ScryptCost;
}

/**
 * Creates (or resets) an admin explicitly, for instance when the first admin's password is lost.
 * Works on the same database a running server uses.
 */
export async function bootstrapAdmin(options: BootstrapAdminOptions): Promise<Credentials> {
  if (!/^[^\s@]+@[^\s@]+$/.test(options.email)) {
    throw new ServerError('INVALID_INPUT', 'Give an email address for the admin.');
  }
  if (options.password !== undefined) requireStrongPassword(options.password);
  const location = resolveLocation(options);
  const now = Date.now;
  const store = await openStore(location, now);
  try {
    return await ensureAdmin(
      { store, audit: createAuditLog(store, now), now, cost: options.passwordCost ?? defaultCost },
      { email: options.email, password: options.password, tenantName: options.tenant },
    );
  } finally {
    await store.close();
  }
}

export interface RotateSecretKeyOptions {
  dataDir?: string;
  databaseUrl?: string;
  /** The current key (base64). Default: $CONCLAVE_SECRET_KEY, else the key file. */
  secretKey?: string;
  /** With the current key from the environment: the new key. Default: $CONCLAVE_NEW_SECRET_KEY. */
  newSecretKey?: string;
}

/**
 * Re-seals every stored external-sender key under a new secret key (docs/operations.md). With the
 * key file, the new key is made here and replaces the file once every row is re-sealed. Run it
 * with the server stopped.
 */
export async function rotateSecretKey(
  options: RotateSecretKeyOptions = {},
): Promise<RotatedSecretKey> {
  const location = resolveLocation(options);
  const store = await openStore(location, Date.now);
  try {
    return await rotateSecrets(store, {
      dataDir: location.dataDir,
      secretKey: options.secretKey,
      newSecretKey: options.newSecretKey,
    });
  } finally {
    await store.close();
  }
}

/** The lines to show a person once after a start that created credentials. */
export function credentialLines(
  server: Pick<RunningServer, 'firstAdmin' | 'demoSignIns'>,
): string[] {
  if (server.demoSignIns !== undefined) {
    return [
      'Demo organization created. Sign-ins (shown only now):',
      ...server.demoSignIns.map((s) => `  ${s.email}  ${s.password}  (${s.note})`),
    ];
  }
  if (server.firstAdmin !== undefined) {
    return [
      'First admin created (shown only now; change the password after signing in):',
      `  email:    ${server.firstAdmin.email}`,
      `  password: ${server.firstAdmin.password}`,
    ];
  }
  return [];
}
