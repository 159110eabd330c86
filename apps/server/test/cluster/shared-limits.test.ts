// Two nodes' sign-in limits joined by a bus: what one counts, the other enforces. Keys cross as
// digests only.
import { describe, expect, it } from 'vitest';
import { createBackoffLimiter, createRateLimiter } from '../../src/http/rate-limit.ts';
import {
  sharedBackoffLimiter,
  sharedRateLimiter,
  type LimitEvent,
  type LimitSharing,
} from '../../src/http/shared-limits.ts';

/** A bus that delivers each node's events to the other nodes only, as NATS does here. */
function bus(): { node(): LimitSharing; seen: LimitEvent[] } {
  const nodes: Array<Array<(event: LimitEvent) => void>> = [];
  const seen: LimitEvent[] = [];
  return {
    seen,
    node() {
      const listeners: Array<(event: LimitEvent) => void> = [];
      nodes.push(listeners);
      return {
        publish(event) {
          seen.push(event);
          for (const other of nodes) if (other !== listeners) for (const l of other) l(event);
        },
        subscribe: (listener) => void listeners.push(listener),
      };
    },
  };
}

const now = () => 1_000_000;

describe('sign-in limits shared across nodes', () => {
  it('count failures on one node against attempts on another, and share resets', () => {
    const shared = bus();
    const config = { limit: 2, windowMs: 60_000 };
    const a = sharedBackoffLimiter('acct', createBackoffLimiter(config, now), shared.node());
    const b = sharedBackoffLimiter('acct', createBackoffLimiter(config, now), shared.node());
    const fail = (limiter: typeof a) => {
      const r = limiter.reserve('email:eve@example.org');
      if (r.limited) throw new Error('limited too early');
      r.attempt.failed();
    };
    fail(a);
    fail(b);
    expect(a.reserve('email:eve@example.org').limited).toBe(true);
    expect(b.reserve('email:eve@example.org').limited).toBe(true);
    b.reset('email:eve@example.org');
    expect(a.reserve('email:eve@example.org').limited).toBe(false);
    expect(JSON.stringify(shared.seen)).not.toContain('eve');
  });

  it('count attempts from an address on every node', () => {
    const shared = bus();
    const config = { limit: 3, windowMs: 60_000 };
    const a = sharedRateLimiter('addr', createRateLimiter(config, now), shared.node());
    const b = sharedRateLimiter('addr', createRateLimiter(config, now), shared.node());
    a.hit('203.0.113.9');
    b.hit('203.0.113.9');
    a.hit('203.0.113.9');
    expect(b.check('203.0.113.9').limited).toBe(true);
    expect(b.check('203.0.113.10').limited).toBe(false);
    expect(JSON.stringify(shared.seen)).not.toContain('203.0.113');
  });
});
