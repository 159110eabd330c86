// Which peers may tell the server who the client is: only the reverse proxies listed in
// CONCLAVE_TRUSTED_PROXIES (IP addresses or CIDR ranges, comma-separated; none by default). From
// them Fastify takes the client's address from X-Forwarded-For (the sign-in limit per address
// uses it) and the protocol from X-Forwarded-Proto (Secure cookies); from anyone else these
// headers are ignored, so a client cannot pick its own address.
import { isIP } from 'node:net';
import { ServerError } from '../errors.ts';

/** proxy-addr's names for whole ranges: 127.0.0.0/8 and ::1, 169.254.0.0/16 and fe80::/10, … */
const namedRanges = new Set(['loopback', 'linklocal', 'uniquelocal']);

function valid(entry: string): boolean {
  if (namedRanges.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/** The list from an option or `CONCLAVE_TRUSTED_PROXIES`, checked; empty trusts nobody. */
export function parseTrustedProxies(value: string | readonly string[] | undefined): string[] {
  const entries = (typeof value === 'string' ? value.split(',') : (value ?? []))
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const entry of entries) {
    if (!valid(entry)) {
      throw new ServerError(
        'INVALID_INPUT',
        `CONCLAVE_TRUSTED_PROXIES: "${entry}" is not an IP address or a CIDR range such as 10.0.0.0/8.`,
      );
    }
  }
  return entries;
}
