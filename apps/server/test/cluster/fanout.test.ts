// A frame the relay hands to several receivers on one gateway node crosses NATS once, with the
// list of their connections; frames keep their order; a different gateway gets its own copy.
import { describe, expect, it } from 'vitest';
import { decodeFanout, encodeFanout, HostFanout } from '../../src/cluster/fanout.ts';
import type { ClusterLink } from '../../src/cluster/link.ts';

function recordingLink(): {
  link: ClusterLink;
  sent: Array<{ subject: string; data: Uint8Array }>;
} {
  const sent: Array<{ subject: string; data: Uint8Array }> = [];
  const link: ClusterLink = {
    publish: (subject, data) => void sent.push({ subject, data }),
    subscribe: () => () => undefined,
    request: () => Promise.reject(new Error('not here')),
    onLinkChange: () => undefined,
    up: true,
    close: () => Promise.resolve(),
  };
  return { link, sent };
}

const settle = () => new Promise<void>((resolve) => queueMicrotask(resolve));

describe('cross-node fan-out', () => {
  it('round-trips the connection list and the frame', () => {
    const frame = Uint8Array.of(9, 8, 7);
    expect(decodeFanout(encodeFanout([1, 70_000, 3], frame))).toEqual({
      conns: [1, 70_000, 3],
      frame,
    });
    expect(decodeFanout(Uint8Array.of(0))).toBeUndefined();
    expect(decodeFanout(Uint8Array.of(0, 5, 1))).toBeUndefined(); // says 5 connections, has none
  });

  it('sends one message per frame per gateway, after the relay’s pass', async () => {
    const { link, sent } = recordingLink();
    const fanout = new HostFanout(link);
    const first = Uint8Array.of(1);
    const second = Uint8Array.of(2);
    // The relay's pass for `first`: three receivers on node-b, one on node-c.
    fanout.send('node-b', 1, first);
    fanout.send('node-b', 2, first);
    fanout.send('node-c', 7, first);
    fanout.send('node-b', 3, first);
    expect(sent).toHaveLength(0);
    await settle();
    fanout.send('node-b', 1, second);
    await settle();

    const decoded = sent.map((s) => ({ subject: s.subject, ...decodeFanout(s.data) }));
    expect(decoded).toEqual([
      { subject: 'conclave.gateway.node-b.fanout', conns: [1, 2, 3], frame: first },
      { subject: 'conclave.gateway.node-c.fanout', conns: [7], frame: first },
      { subject: 'conclave.gateway.node-b.fanout', conns: [1], frame: second },
    ]);
  });
});
