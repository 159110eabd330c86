// @conclave/server: the Conclave HTTP API over SQLite or PostgreSQL.
export { startServer, bootstrapAdmin, credentialLines, rotateSecretKey } from './server.ts';
export type {
  StartServerOptions,
  RunningServer,
  BootstrapAdminOptions,
  RotateSecretKeyOptions,
} from './server.ts';
export type { RotatedSecretKey } from './secrets/at-rest.ts';
export type { Credentials } from './identity/first-run.ts';
export type { DemoSignIn } from './identity/demo.ts';
export type { SignInLimits } from './context.ts';
export { ServerError } from './errors.ts';
// Realtime (signaling, MLS delivery service, media relay): options for `startServer({ realtime })`.
export { defaultRealtimeOptions, signalingCloseCodes } from './realtime/index.ts';
export type { RealtimeOptions } from './realtime/index.ts';
export { backupDataStore } from './backup/backup.ts';
export type { BackupOptions, BackupSummary } from './backup/backup.ts';
export { restoreDataStore } from './backup/restore.ts';
export type { RestoreOptions, RestoreSummary } from './backup/restore.ts';
