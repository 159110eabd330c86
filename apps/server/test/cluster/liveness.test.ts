// Which nodes are alive: a node silent for NODE_LOST_MS is lost (its meetings move, everyone on
// them rejoins), so a node must not be judged by a silence that was its judge's own — an event
// loop that stalled for seconds has the heartbeats of that time still unread.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClusterLink, MessageHandler } from '../../src/cluster/link.ts';
import { HEARTBEAT_MS, NODE_LOST_MS, NodeLiveness } from '../../src/cluster/liveness.ts';

/** An in-memory bus: what one node publishes, every subscriber hears at once. */
function bus() {
  const handlers = new Set<{ subject: string; handler: MessageHandler }>();
  const link = (): ClusterLink => ({
    up: true,
    publish: (subject, data) => {
      for (const h of handlers) if (h.subject === subject) h.handler(subject, data, undefined);
    },
    subscribe: (subject, handler) => {
      const entry = { subject, handler };
      handlers.add(entry);
      return () => handlers.delete(entry);
    },
    request: () => Promise.reject(new Error('not used')),
    onLinkChange: () => undefined,
    close: () => Promise.resolve(),
  });
  return { link };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('node liveness', () => {
  it('loses a node that stopped beating, after NODE_LOST_MS', () => {
    const { link } = bus();
    const a = new NodeLiveness(link(), 'a');
    const b = new NodeLiveness(link(), 'b');
    const lost: string[] = [];
    a.onLost((node) => lost.push(node));
    vi.advanceTimersByTime(2_000);
    expect(a.isAlive('b')).toBe(true);
    b.close(false); // kill -9: no goodbye
    vi.advanceTimersByTime(NODE_LOST_MS - HEARTBEAT_MS);
    expect(lost).toEqual([]);
    vi.advanceTimersByTime(2 * HEARTBEAT_MS);
    expect(lost).toEqual(['b']);
    expect(a.isAlive('b')).toBe(false);
    a.close(false);
  });

  it('does not lose others for a silence that was its own stalled event loop', () => {
    const { link } = bus();
    const a = new NodeLiveness(link(), 'a');
    const b = new NodeLiveness(link(), 'b');
    const lost: string[] = [];
    a.onLost((node) => lost.push(node));
    vi.advanceTimersByTime(2_000);
    // Node a's loop is blocked for longer than NODE_LOST_MS: the clock moves, no timer runs.
    vi.setSystemTime(Date.now() + NODE_LOST_MS + 4_000);
    vi.advanceTimersByTime(HEARTBEAT_MS);
    expect(lost).toEqual([]);
    // b really stops afterwards: it is lost once it has been silent long enough after the stall.
    b.close(false);
    vi.advanceTimersByTime(NODE_LOST_MS + 2 * HEARTBEAT_MS);
    expect(lost).toEqual(['b']);
    a.close(false);
  });

  it('lets a node that says goodbye go at once', () => {
    const { link } = bus();
    const a = new NodeLiveness(link(), 'a');
    const b = new NodeLiveness(link(), 'b');
    const lost: string[] = [];
    a.onLost((node) => lost.push(node));
    vi.advanceTimersByTime(1_000);
    b.close(true);
    expect(lost).toEqual(['b']);
    a.close(false);
  });
});
