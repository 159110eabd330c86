// A call's notices cross the cluster: the callee's socket may be on another node than the one
// that placed the call, so `notifyUser` is told to every node (each tells the sockets it holds),
// once, as sign-outs are — over an in-memory bus standing in for NATS.
import { describe, expect, it } from 'vitest';
import type { CallNotice } from '@conclave/protocol';
import { clusterControl } from '../../src/cluster/control-bus.ts';
import type { ClusterLink, MessageHandler } from '../../src/cluster/link.ts';
import type { RealtimeControl } from '../../src/realtime/control.ts';

function bus() {
  const handlers = new Set<{ subject: string; handler: MessageHandler }>();
  return (): ClusterLink => ({
    up: true,
    publish: (subject, data) => {
      for (const h of [...handlers]) if (h.subject === subject) h.handler(subject, data, undefined);
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
}

/** A node's own sockets, as far as this test cares: who it told what. */
function localNode(told: string[], node: string): RealtimeControl {
  return {
    roster: () => Promise.resolve([]),
    removeUser: () => Promise.resolve([]),
    lobby: () => Promise.resolve([]),
    meetingChanged: () => undefined,
    turnAway: () => undefined,
    endSession: () => undefined,
    endUserSessions: () => undefined,
    rulesChanged: () => Promise.resolve(),
    notifyUser: (tenantId, userId, notice) =>
      told.push(`${node}: ${tenantId}/${userId} ${notice.type} ${notice.callId}`),
  };
}

describe('call notices in a cluster', () => {
  it('reach the sockets of every node, once each', () => {
    const link = bus();
    const told: string[] = [];
    const nodes = ['a', 'b', 'c'].map((node) =>
      clusterControl(
        {} as never,
        localNode(told, node),
        {} as never,
        link(),
        {} as never,
        node,
        () => [],
      ),
    );
    const ringing: CallNotice = {
      type: 'call-ringing',
      callId: 'call-1',
      caller: { id: 'alice', displayName: 'Alice' },
      endToEndEncryption: { enabled: true },
      reasons: [],
      ringDeadline: '2030-01-01T09:00:45.000Z',
    };
    nodes[0]?.notifyUser('t1', 'bob', ringing);
    nodes[2]?.notifyUser('t1', 'alice', { type: 'call-accepted', callId: 'call-1' });
    expect(told.sort()).toEqual([
      'a: t1/alice call-accepted call-1',
      'a: t1/bob call-ringing call-1',
      'b: t1/alice call-accepted call-1',
      'b: t1/bob call-ringing call-1',
      'c: t1/alice call-accepted call-1',
      'c: t1/bob call-ringing call-1',
    ]);
    for (const node of nodes) node.close();
  });
});
