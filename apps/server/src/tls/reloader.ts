// Certificates are renewed while meetings run: on SIGHUP, or when either PEM file changes, the
// pair is read and checked again and the TLS server takes it for new connections. Connections
// already open (a meeting's sockets) keep going. A broken new pair is refused and logged; the
// server goes on with the one it has.
import { unwatchFile, watchFile } from 'node:fs';
import type { Server as HttpsServer } from 'node:https';
import type { Logger } from '../log.ts';
import { readCertificate } from './certificate.ts';
import type { CertificateFiles, LoadedCertificate } from './certificate.ts';

export type ReloadOutcome =
  { reloaded: true; fingerprint256: string } | { reloaded: false; reason: string };

export interface CertificateReloader {
  current(): LoadedCertificate;
  reload(): ReloadOutcome;
  close(): void;
}

export function reloadCertificates(
  server: HttpsServer,
  files: CertificateFiles,
  first: LoadedCertificate,
  deps: { log: Logger; now: () => number; watchIntervalMs?: number },
): CertificateReloader {
  let current = first;
  const reload = (): ReloadOutcome => {
    try {
      const next = readCertificate(files, deps.now());
      if (next.fingerprint256 === current.fingerprint256) {
        return { reloaded: true, fingerprint256: next.fingerprint256 };
      }
      server.setSecureContext({ cert: next.cert, key: next.key });
      current = next;
      deps.log.info('tls certificate reloaded', { fingerprint: next.fingerprint256 });
      return { reloaded: true, fingerprint256: next.fingerprint256 };
    } catch (error) {
      const reason = error instanceof Error ? error.message : 'unreadable';
      deps.log.error('tls certificate not reloaded; keeping the current one', { reason });
      return { reloaded: false, reason };
    }
  };
  const onHangUp = (): void => void reload();
  process.on('SIGHUP', onHangUp);
  // Polling, not fs.watch: a certificate renewal usually replaces the file (rename), which
  // inotify-based watching loses track of.
  const interval = deps.watchIntervalMs ?? 2_000;
  const onChange = (): void => void reload();
  watchFile(files.certFile, { interval, persistent: false }, onChange);
  watchFile(files.keyFile, { interval, persistent: false }, onChange);
  return {
    current: () => current,
    reload,
    close() {
      process.off('SIGHUP', onHangUp);
      unwatchFile(files.certFile, onChange);
      unwatchFile(files.keyFile, onChange);
    },
  };
}
