// Small pieces with sharp edges: the rate limiter's window, password hashing, placeholder
// conversion, secret scrubbing in audit details and log lines.
import { describe, expect, it } from 'vitest';
import { scrubSecrets } from '../src/audit/audit-log.ts';
import { createBackoffLimiter, createRateLimiter } from '../src/http/rate-limit.ts';
import { parseTrustedProxies } from '../src/http/trusted-proxies.ts';
import {
  defaultCost,
  generatePassword,
  hashPassword,
  verifyPassword,
} from '../src/identity/passwords.ts';
import { hashToken, newSessionToken } from '../src/identity/tokens.ts';
import { createLogger } from '../src/log.ts';
import { toNumberedPlaceholders } from '../src/storage/postgres.ts';

describe('rate limiter', () => {
  it('allows `limit` attempts per window and says when to retry', () => {
    let now = 1_000;
    const limiter = createRateLimiter({ limit: 2, windowMs: 60_000 }, () => now);
    expect(limiter.check('k')).toEqual({ limited: false });
    limiter.hit('k');
    limiter.hit('k');
    expect(limiter.check('k')).toEqual({ limited: true, retryAfterMs: 60_000 });
    expect(limiter.check('other')).toEqual({ limited: false });
    now += 59_999;
    expect(limiter.check('k')).toEqual({ limited: true, retryAfterMs: 1 });
    now += 1;
    expect(limiter.check('k')).toEqual({ limited: false });
  });
});

describe('back-off limiter', () => {
  const reserve = (limiter: ReturnType<typeof createBackoffLimiter>, key = 'k') => {
    const reservation = limiter.reserve(key);
    if (reservation.limited) throw new Error(`limited for ${reservation.retryAfterMs} ms`);
    return reservation.attempt;
  };

  it('counts attempts in flight, so a burst cannot pass the limit', () => {
    const now = 0;
    const limiter = createBackoffLimiter({ limit: 3, windowMs: 60_000 }, () => now);
    const inFlight = [reserve(limiter), reserve(limiter), reserve(limiter)];
    expect(limiter.reserve('k')).toEqual({ limited: true, retryAfterMs: 2_000 });
    // A success is not counted: its place is free again.
    inFlight[0]?.succeeded();
    expect(limiter.reserve('k').limited).toBe(false);
    expect(limiter.reserve('other').limited).toBe(false);
  });

  it('doubles the wait after each further failure, up to half the window, then forgets', () => {
    let now = 0;
    const limiter = createBackoffLimiter({ limit: 2, windowMs: 60_000 }, () => now);
    reserve(limiter).failed();
    reserve(limiter).failed();
    const waits: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      const refused = limiter.reserve('k');
      if (!refused.limited) throw new Error('not limited');
      waits.push(refused.retryAfterMs);
      now += refused.retryAfterMs - 1;
      expect(limiter.reserve('k').limited).toBe(true);
      now += 1;
      reserve(limiter).failed();
    }
    expect(waits).toEqual([2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
    // Attacking at the slowest pace never earns a fresh allowance…
    now += 30_000;
    reserve(limiter).failed();
    expect(limiter.reserve('k')).toEqual({ limited: true, retryAfterMs: 30_000 });
    // …a quiet window does.
    now += 60_000;
    reserve(limiter).failed();
    reserve(limiter).failed();
    expect(limiter.reserve('k')).toEqual({ limited: true, retryAfterMs: 2_000 });
  });

  it('forgets failures when reset, and settles each attempt once', () => {
    const now = 0;
    const limiter = createBackoffLimiter({ limit: 1, windowMs: 60_000 }, () => now);
    const attempt = reserve(limiter);
    attempt.failed();
    attempt.failed();
    attempt.succeeded();
    expect(limiter.reserve('k').limited).toBe(true);
    limiter.reset('k');
    reserve(limiter).failed();
    expect(limiter.reserve('k').limited).toBe(true);
  });
});

describe('CONCLAVE_TRUSTED_PROXIES', () => {
  it('reads a comma-separated list of addresses, CIDR ranges and named ranges', () => {
    expect(parseTrustedProxies(undefined)).toEqual([]);
    expect(parseTrustedProxies(' ')).toEqual([]);
    expect(parseTrustedProxies('10.0.0.5, 10.0.1.0/24,,fd00::/8 ,loopback')).toEqual([
      '10.0.0.5',
      '10.0.1.0/24',
      'fd00::/8',
      'loopback',
    ]);
    for (const bad of ['10.0.0.0/33', '::1/129', 'proxy.example', '10.0.0.1/8/8', '10.0.0.0/x']) {
      expect(() => parseTrustedProxies(bad), bad).toThrow(/is not an IP address or a CIDR range/);
    }
  });
});

describe('passwords', () => {
  it('hashes with scrypt at the default cost, a fresh salt each time, and verifies', async () => {
    const first = await hashPassword('correct horse battery');
    const second = await hashPassword('correct horse battery');
    expect(first).toMatch(
      new RegExp(`^scrypt\\$${defaultCost.N}\\$${defaultCost.r}\\$${defaultCost.p}\\$`),
    );
    expect(first).not.toBe(second);
    expect(first).not.toContain('correct horse');
    expect(await verifyPassword('correct horse battery', first)).toBe(true);
    expect(await verifyPassword('correct horse battery!', first)).toBe(false);
    expect(await verifyPassword('anything', 'not-a-hash')).toBe(false);
  });

  it('generates long random passwords and session tokens, and stores tokens only as SHA-256', () => {
    expect(generatePassword()).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect(generatePassword()).not.toBe(generatePassword());
    const token = newSessionToken();
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(token)).not.toContain(token);
  });
});

describe('placeholders for PostgreSQL', () => {
  it('numbers ? in order and leaves quoted ones alone', () => {
    expect(toNumberedPlaceholders("SELECT * FROM t WHERE a = ? AND b = '?' AND c = ?")).toBe(
      "SELECT * FROM t WHERE a = $1 AND b = '?' AND c = $2",
    );
  });
});

describe('secrets stay out of records', () => {
  it('drops secret-looking fields from audit details, at any depth', () => {
    expect(
      scrubSecrets({
        user: 'u1',
        password: 'p',
        nested: [{ token: 't', name: 'n', signaturePublicKey: 'k' }],
      }),
    ).toEqual({ user: 'u1', nested: [{ name: 'n' }] });
  });

  it('drops secret-looking fields from log lines', () => {
    const lines: string[] = [];
    const log = createLogger(
      (line) => lines.push(line),
      () => 0,
    );
    log.info('request', {
      route: '/api/auth/sign-in',
      password: 'hunter22',
      authorization: 'Bearer x',
      status: 200,
    });
    expect(lines).toEqual([
      '1970-01-01T00:00:00.000Z info request route="/api/auth/sign-in" status=200',
    ]);
  });
});
