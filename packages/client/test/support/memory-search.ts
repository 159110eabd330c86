// Searching a process for byte strings: its V8 heap snapshot (strings), and — where the kernel
// lets us — its whole readable memory through /proc/<pid>/mem, which also covers the contents of
// ArrayBuffers (a heap snapshot holds none).
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

export interface Needle {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** The forms a secret could take in memory or on disk: raw, hex, base64, base64url. */
export function encodings(name: string, secret: Uint8Array): Needle[] {
  const buffer = Buffer.from(secret);
  return [
    { name: `${name} (raw)`, bytes: secret },
    { name: `${name} (hex)`, bytes: Buffer.from(buffer.toString('hex')) },
    { name: `${name} (base64)`, bytes: Buffer.from(buffer.toString('base64').replace(/=+$/, '')) },
    { name: `${name} (base64url)`, bytes: Buffer.from(buffer.toString('base64url')) },
  ];
}

export function findIn(haystack: Buffer, needles: readonly Needle[]): string[] {
  return needles.filter((n) => haystack.indexOf(n.bytes) >= 0).map((n) => n.name);
}

/**
 * Every readable private mapping of `pid`, searched region by region. Returns undefined when
 * /proc/<pid>/mem cannot be read (no ptrace permission).
 */
export function searchProcessMemory(
  pid: number,
  needles: readonly Needle[],
): { hits: string[]; bytes: number } | undefined {
  let maps: string;
  let fd: number;
  try {
    maps = readFileSync(`/proc/${pid}/maps`, 'utf8');
    fd = openSync(`/proc/${pid}/mem`, 'r');
  } catch {
    return undefined;
  }
  const hits = new Set<string>();
  let scanned = 0;
  const longest = Math.max(...needles.map((n) => n.bytes.length));
  try {
    for (const line of maps.split('\n')) {
      const match = /^([0-9a-f]+)-([0-9a-f]+) (r)[-w][-x]p/.exec(line);
      if (match === null || line.includes('[vvar]') || line.includes('[vsyscall]')) continue;
      const start = Number.parseInt(match[1]!, 16);
      const end = Number.parseInt(match[2]!, 16);
      // Region by region, in chunks that overlap by a needle's length.
      const chunk = 16 * 1024 * 1024;
      for (let offset = start; offset < end; offset += chunk) {
        const length = Math.min(chunk + longest, end - offset);
        const buffer = Buffer.alloc(length);
        let read: number;
        try {
          read = readSync(fd, buffer, 0, length, offset);
        } catch {
          break;
        }
        scanned += read;
        for (const hit of findIn(buffer.subarray(0, read), needles)) hits.add(hit);
      }
    }
  } finally {
    closeSync(fd);
  }
  return { hits: [...hits], bytes: scanned };
}
