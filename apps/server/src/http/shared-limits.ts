// Sign-in limits that hold across the nodes of a cluster: each node counts locally and tells the
// others what it counted (an attempt from an address, a failed password, an admin's reset), so an
// attacker who spreads guesses over the nodes behind a load balancer meets one limit, not one per
// node. Keys cross as SHA-256 digests: no address or email leaves the node that saw it.
import { createHash } from 'node:crypto';
import type { AppContext } from '../context.ts';
import type { BackoffLimiter, RateLimiter } from './rate-limit.ts';

export interface LimitEvent {
  readonly limiter: string;
  readonly kind: 'hit' | 'failure' | 'reset';
  /** The key's SHA-256, hex. */
  readonly key: string;
}

export interface LimitSharing {
  publish(event: LimitEvent): void;
  subscribe(listener: (event: LimitEvent) => void): void;
}

const sharings = new WeakMap<AppContext, LimitSharing>();

/** Called by a cluster node before it serves requests. */
export function provideLimitSharing(ctx: AppContext, sharing: LimitSharing): void {
  sharings.set(ctx, sharing);
}

export function limitSharingOf(ctx: AppContext): LimitSharing | undefined {
  return sharings.get(ctx);
}

const digest = (key: string) => createHash('sha256').update(key).digest('hex');

export function sharedRateLimiter(
  name: string,
  inner: RateLimiter,
  sharing: LimitSharing,
): RateLimiter {
  sharing.subscribe((event) => {
    if (event.limiter === name && event.kind === 'hit') inner.hit(event.key);
  });
  return {
    check: (key) => inner.check(digest(key)),
    hit(key) {
      const hashed = digest(key);
      inner.hit(hashed);
      sharing.publish({ limiter: name, kind: 'hit', key: hashed });
    },
  };
}

export function sharedBackoffLimiter(
  name: string,
  inner: BackoffLimiter,
  sharing: LimitSharing,
): BackoffLimiter {
  sharing.subscribe((event) => {
    if (event.limiter !== name) return;
    if (event.kind === 'failure') inner.failedElsewhere(event.key);
    else if (event.kind === 'reset') inner.reset(event.key);
  });
  return {
    reserve(key) {
      const hashed = digest(key);
      const reservation = inner.reserve(hashed);
      if (reservation.limited) return reservation;
      const { attempt } = reservation;
      let told = false;
      return {
        limited: false,
        attempt: {
          succeeded: () => attempt.succeeded(),
          failed() {
            attempt.failed();
            if (told) return;
            told = true;
            sharing.publish({ limiter: name, kind: 'failure', key: hashed });
          },
        },
      };
    },
    reset(key) {
      const hashed = digest(key);
      inner.reset(hashed);
      sharing.publish({ limiter: name, kind: 'reset', key: hashed });
    },
    failedElsewhere: (key) => inner.failedElsewhere(digest(key)),
  };
}
