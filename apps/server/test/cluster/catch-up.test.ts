// A node whose NATS link comes back has missed whatever the others told meanwhile, and NATS kept
// none of it: it catches up from the database — every socket's session checked now, the rules
// checked again in each tenant it hosts meetings of, and a meeting that ended meanwhile ended.
import { describe, expect, it } from 'vitest';
import { catchUp } from '../../src/cluster/catch-up.ts';
import type { JoinTarget } from '../../src/realtime/admission.ts';
import type { MeetingState } from '../../src/storage/records.ts';

function target(tenantId: string, meetingId: string, kind: JoinTarget['kind']): JoinTarget {
  return { tenantId, meetingId, kind, endToEndEncryption: true };
}

function node(rooms: JoinTarget[], states: Record<string, MeetingState>, sockets = 2) {
  const checked: number[] = [];
  const rechecked: string[] = [];
  const ended: string[] = [];
  const live = Array.from({ length: sockets }, (_, i) => ({
    checkSession: () => {
      checked.push(i);
      return Promise.resolve();
    },
  }));
  const deps = {
    meetings: {
      get: (_tenantId: string, id: string) =>
        Promise.resolve(states[id] === undefined ? undefined : { state: states[id] }),
    },
    rooms: { all: () => rooms.map((t) => ({ target: t })) },
    sockets: { all: () => live },
    local: {
      rulesChanged: (tenantId: string) => {
        rechecked.push(tenantId);
        return Promise.resolve();
      },
    },
    control: {
      endMeeting: (tenantId: string, meetingId: string) => {
        ended.push(`${tenantId}/${meetingId}`);
        return Promise.resolve();
      },
    },
  };
  return { deps, checked, rechecked, ended };
}

describe('catching up after the NATS link comes back', () => {
  it('checks every socket’s session now', async () => {
    const n = node([], {}, 3);
    await catchUp(n.deps);
    expect(n.checked.sort()).toEqual([0, 1, 2]);
  });

  it('checks the rules again once per tenant it hosts meetings of', async () => {
    const n = node(
      [target('t1', 'm1', 'meeting'), target('t1', 'm2', 'meeting'), target('t2', 'c1', 'call')],
      { m1: 'started', m2: 'started' },
    );
    await catchUp(n.deps);
    expect(n.rechecked.sort()).toEqual(['t1', 't2']);
    expect(n.ended).toEqual([]);
  });

  it('ends a meeting it hosts that ended meanwhile, and only that one', async () => {
    const n = node(
      [target('t1', 'm1', 'meeting'), target('t1', 'm2', 'meeting'), target('t1', 'c1', 'call')],
      { m1: 'ended', m2: 'started' },
    );
    await catchUp(n.deps);
    expect(n.ended).toEqual(['t1/m1']);
  });
});
