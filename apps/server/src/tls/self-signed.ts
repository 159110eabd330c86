// A certificate for a LAN trial (`--tls self-signed`): made for this machine's names and
// addresses, kept in the data folder so its fingerprint stays the same from one start to the
// next (people compare it once with what their browser shows), and made anew when it nears its
// end or the machine's names change.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { onDisk } from '../private-files.ts';
import { readCertificate } from './certificate.ts';
import type { CertificateFiles } from './certificate.ts';

const day = 24 * 60 * 60 * 1000;
/** Browsers refuse server certificates valid longer than 398 days. */
const lifetimeDays = 397;
const renewWithinDays = 30;

export interface MachineNames {
  dns: string[];
  ips: string[];
}

/** localhost, the host name, and every IPv4/IPv6 address of this machine's interfaces. */
export function machineNames(): MachineNames {
  const dns = [...new Set(['localhost', hostname()].filter((name) => name !== ''))];
  const ips = new Set(['127.0.0.1', '::1']);
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (!address.address.startsWith('fe80:')) ips.add(address.address);
    }
  }
  return { dns, ips: [...ips] };
}

function covers(written: string, names: MachineNames): boolean {
  // IPv6 addresses are compared by their IPv4 peers and names only: their written forms vary.
  const present = new Set(written.split(',').map((entry) => entry.trim()));
  return (
    names.dns.every((name) => present.has(`DNS:${name}`)) &&
    names.ips.filter((ip) => !ip.includes(':')).every((ip) => present.has(`IP Address:${ip}`))
  );
}

/** The files of this data folder's self-signed certificate, made (or remade) when needed. */
export async function selfSignedCertificate(
  dataDir: string,
  now: number,
  names: MachineNames = machineNames(),
): Promise<CertificateFiles & { created: boolean }> {
  const folder = join(dataDir, 'tls');
  const files = {
    certFile: join(folder, 'self-signed.crt'),
    keyFile: join(folder, 'self-signed.key'),
  };
  if (existsSync(files.certFile) && existsSync(files.keyFile)) {
    try {
      const current = readCertificate(files, now);
      if (current.validTo.getTime() - now > renewWithinDays * day && covers(current.names, names)) {
        return { ...files, created: false };
      }
    } catch {
      // Unreadable or broken: made anew below.
    }
  }
  const notBeforeDate = new Date(now - day);
  const pems = await generate([{ name: 'commonName', value: names.dns[1] ?? 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(now + lifetimeDays * day),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          ...names.dns.map((value) => ({ type: 2 as const, value })),
          ...names.ips.map((ip) => ({ type: 7 as const, ip })),
        ],
      },
    ],
  });
  onDisk(folder, 'create the TLS folder', () =>
    mkdirSync(folder, { recursive: true, mode: 0o700 }),
  );
  onDisk(files.keyFile, 'write the TLS private key', () =>
    writeFileSync(files.keyFile, pems.private, { mode: 0o600 }),
  );
  onDisk(files.certFile, 'write the TLS certificate', () =>
    writeFileSync(files.certFile, pems.cert, { mode: 0o644 }),
  );
  return { ...files, created: true };
}
