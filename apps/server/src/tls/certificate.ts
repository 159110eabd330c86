// A certificate and its private key read from PEM files and checked before use: both parse, the
// key is the certificate's, and the certificate is valid now. A bad pair is refused with a
// sentence naming the file, so a typo never takes the server down in the middle of a meeting.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ServerError } from '../errors.ts';
import { onDisk } from '../private-files.ts';

export interface CertificateFiles {
  certFile: string;
  keyFile: string;
}

export interface LoadedCertificate {
  cert: string;
  key: string;
  /** SHA-256 of the certificate, colon-separated hex: what a browser's certificate viewer shows. */
  fingerprint256: string;
  validTo: Date;
  /** The subject alternative names, as written in the certificate ("DNS:host, IP Address:…"). */
  names: string;
}

function invalid(file: string, what: string, cause: unknown): ServerError {
  return new ServerError('INVALID_INPUT', `${file}: ${what}.`, { cause });
}

export function readCertificate(files: CertificateFiles, now: number): LoadedCertificate {
  const cert = onDisk(files.certFile, 'read the TLS certificate', () =>
    readFileSync(files.certFile, 'utf8'),
  );
  const key = onDisk(files.keyFile, 'read the TLS private key', () =>
    readFileSync(files.keyFile, 'utf8'),
  );
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch (error) {
    throw invalid(files.certFile, 'not a PEM certificate', error);
  }
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(key);
  } catch (error) {
    throw invalid(files.keyFile, 'not a PEM private key (or it is encrypted)', error);
  }
  if (!x509.checkPrivateKey(privateKey)) {
    throw invalid(
      files.keyFile,
      `not the private key of the certificate in ${files.certFile}`,
      undefined,
    );
  }
  const validTo = new Date(x509.validTo);
  if (validTo.getTime() <= now) {
    throw invalid(files.certFile, `the certificate expired on ${validTo.toISOString()}`, undefined);
  }
  return {
    cert,
    key,
    fingerprint256: x509.fingerprint256,
    validTo,
    names: x509.subjectAltName ?? '',
  };
}

/** Reads the TLS files named by the environment; both or neither must be set. */
export function certificateFilesFromEnv(env: NodeJS.ProcessEnv): CertificateFiles | undefined {
  const certFile = env.CONCLAVE_TLS_CERT ?? '';
  const keyFile = env.CONCLAVE_TLS_KEY ?? '';
  if (certFile === '' && keyFile === '') return undefined;
  if (certFile === '' || keyFile === '') {
    throw new ServerError(
      'INVALID_INPUT',
      'Set both CONCLAVE_TLS_CERT and CONCLAVE_TLS_KEY (PEM files), or neither.',
    );
  }
  return { certFile, keyFile };
}
